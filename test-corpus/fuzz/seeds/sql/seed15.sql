ALTER TABLE tags ADD COLUMN deleted_at timestamptz;
-- a name is unique among the tags that are not deleted
CREATE UNIQUE INDEX tags_live_name ON tags (name) WHERE deleted_at IS NULL;
