// eslint for the addon's JavaScript (pre-commit's "eslint" hook): Odoo 18 ES modules
// (`import ... from "@odoo/owl"`, "@web/...", "@point_of_sale/..."), run in the browser.
// The rules are Odoo 18's own (addons/web/tooling/_eslintrc.json) on top of eslint's
// recommended set; formatting is prettier's job, not eslint's.
const js = require("@eslint/js");
const globals = require("globals");

module.exports = [
    js.configs.recommended,
    {
        files: ["**/*.js"],
        languageOptions: {
            ecmaVersion: 2022,
            sourceType: "module",
            globals: {
                ...globals.browser,
                odoo: "readonly",
                owl: "readonly",
                luxon: "readonly",
            },
        },
        rules: {
            "no-undef": "error",
            "no-restricted-globals": ["error", "event", "self"],
            "no-const-assign": "error",
            "no-debugger": "error",
            "no-dupe-class-members": "error",
            "no-dupe-keys": "error",
            "no-dupe-args": "error",
            "no-dupe-else-if": "error",
            "no-unsafe-negation": "error",
            "no-duplicate-imports": "error",
            "valid-typeof": "error",
            "no-unused-vars": [
                "error",
                {vars: "all", args: "none", ignoreRestSiblings: false, caughtErrors: "all"},
            ],
            curly: ["error", "all"],
            "no-restricted-syntax": ["error", "PrivateIdentifier"],
            "prefer-const": ["error", {destructuring: "all", ignoreReadBeforeAssign: true}],
        },
    },
];
