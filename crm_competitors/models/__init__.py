from . import crm_competitor
from . import crm_lead
from . import res_partner
from . import crm_sales_material
from . import crm_competitor_analysis
