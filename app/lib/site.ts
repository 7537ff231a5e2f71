/** Names shown in the page chrome; a company running Hearth sets them here. */
export const SITE_NAME = "Nimbus Community";
export const PRODUCT_NAME = "Nimbus Home";
