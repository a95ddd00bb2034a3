from .xlsx import XLSX_MIMETYPE, write_xlsx
