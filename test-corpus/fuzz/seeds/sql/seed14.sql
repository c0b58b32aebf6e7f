CREATE UNIQUE INDEX products_sku_key ON products (sku);
CREATE UNIQUE INDEX suppliers_code_key ON suppliers (code);
