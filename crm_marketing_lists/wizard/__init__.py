from . import crm_marketing_list_activity_wizard
from . import crm_marketing_list_add_wizard
from . import crm_marketing_list_algebra_wizard
from . import crm_marketing_list_import_wizard
