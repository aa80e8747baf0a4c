-- One Zalo user may hold several memberships (head of one unit, focal point of another), as a
-- Telegram user may (`people.telegram_user_id` is not unique): redeeming a second invitation
-- on Zalo must link it, not fail on the unique index of 20261207000015.
DROP INDEX people_zalo_user;
CREATE INDEX people_zalo_user ON people(zalo_user) WHERE zalo_user IS NOT NULL;
