from . import log_filter
from . import portal
