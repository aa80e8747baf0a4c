-- Outbox rows keep their keyboard channel-neutral: `chat::Markup`'s JSON, e.g.
-- {"lang":"vi","keyboard":{"submit_report":{"period":5,"unit":3}}}, drawn as Telegram's inline
-- keyboard only when sent. This converts the rows queued before, which hold Telegram's JSON.
--
-- Converted in SQL, in place (the same column): every keyboard the service queued is known by
-- its first button's data, its number of rows and the language of its first label, exactly
-- as the code drew it —
--   «Nộp báo cáo» r:PERIOD:UNIT, 1 row                  → submit_report
--   the task card's s:ASSIGNMENT:d …, 2 rows             → task_card
--   a unit's case buttons h:a:HOP …, 3 rows              → case_hop
--   the operator's v:ACTION:CASE, one button a row       → case_operator with its buttons
-- A row whose keyboard is none of these (the service wrote none) keeps Telegram's JSON, which
-- the sender still sends as it is (`chat::telegram`, fallback), so no message loses a button.
-- The SQLite twin does the same with its own JSON functions. A stored text that is not JSON,
-- or an id beyond BIGINT, is left alone (a failing cast would fail the migration).
CREATE FUNCTION pg_temp.dondoc_jsonb_or_null(t TEXT) RETURNS JSONB LANGUAGE plpgsql AS $$
BEGIN
    RETURN t::jsonb;
EXCEPTION WHEN others THEN
    RETURN NULL;
END
$$;
CREATE FUNCTION pg_temp.dondoc_id_or_null(t TEXT) RETURNS BIGINT LANGUAGE plpgsql AS $$
BEGIN
    RETURN t::bigint;
EXCEPTION WHEN others THEN
    RETURN NULL;
END
$$;

WITH parsed AS (
    SELECT id, pg_temp.dondoc_jsonb_or_null(reply_markup) AS j
    FROM outbox
    WHERE reply_markup IS NOT NULL
),
old_rows AS (
    SELECT id,
           j #>> '{inline_keyboard,0,0,callback_data}' AS data,
           j #>> '{inline_keyboard,0,0,text}' AS label,
           CASE WHEN jsonb_typeof(j -> 'inline_keyboard') = 'array'
                THEN jsonb_array_length(j -> 'inline_keyboard') END AS row_count
    FROM parsed
    WHERE jsonb_typeof(j) = 'object' AND jsonb_typeof(j -> 'inline_keyboard') = 'array'
),
labelled AS (
    SELECT id, data, row_count,
           CASE
               WHEN label IN ('Nộp báo cáo', 'Đã hoàn thành', '✅ Tiếp nhận',
                              '📞 Đã báo người dân', '✅ Đã báo người dân, đóng',
                              '↪️ Chuyển đơn vị', '➕ Thêm đơn vị cùng xử lý', 'Mở lại')
                   THEN 'vi'
               WHEN label IN ('Submit report', 'Done', '✅ Accept', '📞 Citizen informed',
                              '✅ Citizen informed, close', '↪️ Route to a unit', '➕ Add a unit',
                              'Reopen')
                   THEN 'en'
           END AS lang,
           CASE
               WHEN data ~ '^v:[a-z]{2}:[0-9]+$' THEN
                   CASE substr(data, 3, 2) || row_count::text
                       WHEN 'in2' THEN json_build_array('informed', 'informed_close')
                       WHEN 'cl1' THEN json_build_array('informed_close')
                       WHEN 'fw1' THEN json_build_array('route')
                       WHEN 'fw2' THEN json_build_array('add_unit', 'move')
                       WHEN 'ro1' THEN json_build_array('reopen')
                   END
           END AS buttons
    FROM old_rows
    WHERE data IS NOT NULL
),
converted AS (
    SELECT id, lang,
           CASE
               WHEN row_count = 1 AND data ~ '^r:[0-9]+:[0-9]+$' AND first_id IS NOT NULL
                    AND second_id IS NOT NULL THEN
                   json_build_object('submit_report', json_build_object(
                       'period', first_id, 'unit', second_id))
               WHEN row_count = 2 AND data ~ '^s:[0-9]+:d$' AND first_id IS NOT NULL THEN
                   json_build_object('task_card', json_build_object('assignment', first_id))
               WHEN row_count = 3 AND data ~ '^h:a:[0-9]+$' AND second_id IS NOT NULL THEN
                   json_build_object('case_hop', json_build_object('hop', second_id))
               WHEN buttons IS NOT NULL AND second_id IS NOT NULL THEN
                   json_build_object('case_operator', json_build_object(
                       'case', second_id, 'buttons', buttons))
           END AS keyboard
    FROM (
        SELECT *,
               pg_temp.dondoc_id_or_null(split_part(data, ':', 2)) AS first_id,
               pg_temp.dondoc_id_or_null(split_part(data, ':', 3)) AS second_id
        FROM labelled
    ) with_ids
)
UPDATE outbox
SET reply_markup = json_build_object('lang', converted.lang, 'keyboard', converted.keyboard)::text
FROM converted
WHERE outbox.id = converted.id
  AND converted.lang IS NOT NULL
  AND converted.keyboard IS NOT NULL;

DROP FUNCTION pg_temp.dondoc_jsonb_or_null(TEXT);
DROP FUNCTION pg_temp.dondoc_id_or_null(TEXT);
