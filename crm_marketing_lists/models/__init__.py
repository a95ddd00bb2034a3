from . import crm_marketing_list
from . import crm_marketing_list_tag
from . import crm_marketing_list_member
from . import res_partner
from . import crm_lead
from . import mailing_mailing
