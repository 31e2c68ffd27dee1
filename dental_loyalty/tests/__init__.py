from . import test_ledger
from . import test_tiers
from . import test_settings
from . import test_security
