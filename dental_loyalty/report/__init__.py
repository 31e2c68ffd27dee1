from . import report_voucher
