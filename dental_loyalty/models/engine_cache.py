"""The engine's caches of the programme (earning rules, tiers, messages), read
once per change rather than per sale."""


def forget_programme(env):
    """Forget what the engine cached of the programme, now and again once the
    change is committed. A sale syncing meanwhile on another register still
    reads the programme as it was (its transaction began before the change
    was committed) and caches it again; without the second clearing that
    stale copy would stay until the next change. Other worker processes clear
    theirs when Odoo signals the change, after the commit."""
    env.registry.clear_cache()
    env.cr.postcommit.add(env.registry.clear_cache)
