-- suppliers merged from the acquisition reuse codes
DROP INDEX suppliers_code_key;
