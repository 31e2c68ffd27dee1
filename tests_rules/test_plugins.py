def test_rules_run_without_pytest_odoo(pytestconfig):
    # pytest-odoo, where installed beside Odoo, would ask for a database here.
    assert not pytestconfig.pluginmanager.has_plugin("odoo")
