import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {CharField, charField} from "@web/views/fields/char/char_field";
import {Many2OneField, many2OneField} from "@web/views/fields/many2one/many2one_field";

/**
 * A loyalty tier as a badge in the tier's colour, the way Odoo colours tags
 * (o_tag_color_N). The colour index is read from the record's field named by the
 * `color_field` option (a related field, fetched with the record). Editable, the
 * field is the usual input.
 */
function colorFieldOptions(field) {
    return {
        ...field,
        supportedOptions: [
            ...(field.supportedOptions || []),
            {
                label: _t("Colour field"),
                name: "color_field",
                type: "field",
                availableTypes: ["integer"],
            },
        ],
        fieldDependencies: ({options}) =>
            options.color_field ? [{name: options.color_field, type: "integer"}] : [],
        extractProps(fieldInfo, dynamicInfo) {
            return {
                ...field.extractProps(fieldInfo, dynamicInfo),
                colorField: fieldInfo.options.color_field,
            };
        },
    };
}

const colorProps = {colorField: {type: String, optional: true}};

function colorIndex(props) {
    return (props.colorField && props.record.data[props.colorField]) || 0;
}

/** A many2one to a tier: the badge opens the tier, unless `no_open`. */
export class TierBadgeField extends Many2OneField {
    static template = "dental_loyalty.TierBadgeField";
    static props = {...Many2OneField.props, ...colorProps};

    get colorIndex() {
        return colorIndex(this.props);
    }
}

/** A tier's own name, in lists of tiers. */
export class TierNameBadgeField extends CharField {
    static template = "dental_loyalty.TierNameBadgeField";
    static props = {...CharField.props, ...colorProps};

    get colorIndex() {
        return colorIndex(this.props);
    }
}

registry.category("fields").add("dental_loyalty_tier_badge", {
    ...colorFieldOptions(many2OneField),
    component: TierBadgeField,
    displayName: _t("Tier Badge"),
});

registry.category("fields").add("dental_loyalty_tier_name_badge", {
    ...colorFieldOptions(charField),
    component: TierNameBadgeField,
    displayName: _t("Tier Name Badge"),
});
