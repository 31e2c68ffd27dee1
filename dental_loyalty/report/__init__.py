from . import report_voucher
from . import report_member_card
from . import dental_loyalty_report_view
from . import dental_loyalty_patient_year_report
from . import dental_loyalty_tier_distribution_report
from . import dental_loyalty_movement_report
from . import dental_loyalty_cost_report
from . import dental_loyalty_gift_points_report
