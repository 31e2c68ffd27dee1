from . import report_voucher
from . import report_member_card
