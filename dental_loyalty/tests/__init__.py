from . import test_ledger
from . import test_tiers
from . import test_settings
from . import test_security
from . import test_pos_order
from . import test_concurrency
from . import test_pos_performance
from . import test_pos_tour
