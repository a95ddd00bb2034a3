from . import test_access
from . import test_battlecards
from . import test_crm_competitor
from . import test_crm_competitor_views
from . import test_reports
from . import test_ui
from . import test_i18n
