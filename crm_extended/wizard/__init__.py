from . import crm_sales_material_send
from . import crm_spreadsheet_import_mapping
from . import crm_spreadsheet_import_line
from . import crm_spreadsheet_import
