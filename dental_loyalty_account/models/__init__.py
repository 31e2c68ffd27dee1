from . import res_company
from . import res_config_settings
from . import dental_loyalty_liability_booking
