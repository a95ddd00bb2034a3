from . import crm_contract_report
from . import crm_account_dossier_report
