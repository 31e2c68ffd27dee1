from . import test_liability_booking
from . import test_liability_booking_cron
from . import test_settings
from . import test_liability_booking_ledger
from . import test_liability_booking_doors
