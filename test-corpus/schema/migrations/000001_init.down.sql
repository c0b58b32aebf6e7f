DROP TABLE events, tags, invoices, order_lines, orders, suppliers, products;
