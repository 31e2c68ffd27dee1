from . import dental_loyalty_points_adjust
from . import dental_loyalty_tier_pin
from . import dental_loyalty_overview
from . import dental_loyalty_reward_redeem
from . import dental_loyalty_points_transfer
from . import base_partner_merge_automatic_wizard
from . import dental_loyalty_referral_refuse
from . import pos_make_payment
