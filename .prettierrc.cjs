// prettier for the addon's XML and JS (pre-commit's "prettier" hook): the OCA's
// .prettierrc.cjs for 18.0 (oca-addons-repo-template). XML text is kept as written
// ("preserve"): "ignore" would re-wrap the text of data records, such as the SMS
// templates' bodies, and so change what is sent.
/** @type {import('prettier').Config} */
const config = {
    plugins: [require.resolve("@prettier/plugin-xml")],
    bracketSpacing: false,
    printWidth: 88,
    proseWrap: "always",
    semi: true,
    tabWidth: 4,
    trailingComma: "es5",
    xmlWhitespaceSensitivity: "preserve",
};

module.exports = config;
