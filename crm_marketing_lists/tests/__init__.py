from . import test_marketing_list_domain
from . import test_marketing_list_membership
from . import test_marketing_list_security
from . import test_marketing_list_sending
from . import test_marketing_list_tour
from . import test_marketing_list_views
from . import test_i18n
