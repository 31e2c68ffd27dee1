from . import log_filter
from . import portal
from . import portal_rewards
from . import portal_campaigns
