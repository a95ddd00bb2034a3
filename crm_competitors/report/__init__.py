from . import crm_competitor_battlecard
from . import crm_account_dossier_report
