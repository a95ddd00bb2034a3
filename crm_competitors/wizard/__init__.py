from . import crm_competitor_merge
from . import crm_lead_lost
