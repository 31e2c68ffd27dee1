from . import res_company
from . import res_config_settings
from . import dental_loyalty_tier
from . import dental_loyalty_wallet
from . import dental_loyalty_ledger
from . import res_partner
