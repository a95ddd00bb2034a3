from . import res_company
from . import res_config_settings
from . import res_partner
from . import crm_lead
from . import crm_sales_material_tag
from . import crm_sales_material
from . import crm_sales_material_usage
