DROP INDEX suppliers_code_key;
DROP INDEX products_sku_key;
