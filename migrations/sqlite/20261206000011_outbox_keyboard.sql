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
-- The Postgres twin does the same with its own JSON functions.
WITH old_rows AS (
    SELECT id,
           json_extract(reply_markup, '$.inline_keyboard[0][0].callback_data') AS data,
           json_extract(reply_markup, '$.inline_keyboard[0][0].text') AS label,
           json_array_length(reply_markup, '$.inline_keyboard') AS row_count
    FROM outbox
    WHERE reply_markup IS NOT NULL
      AND json_valid(reply_markup)
      AND json_type(reply_markup, '$.inline_keyboard') = 'array'
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
               WHEN data GLOB 'v:[a-z][a-z]:*' THEN
                   CASE substr(data, 3, 2) || row_count
                       WHEN 'in2' THEN json_array('informed', 'informed_close')
                       WHEN 'cl1' THEN json_array('informed_close')
                       WHEN 'fw1' THEN json_array('route')
                       WHEN 'fw2' THEN json_array('add_unit', 'move')
                       WHEN 'ro1' THEN json_array('reopen')
                   END
           END AS buttons
    FROM old_rows
    WHERE typeof(data) = 'text'
),
-- The data's second and third parts (after the first and the second ':'), and each as an id
-- when it is one exactly (digits that read back the same: nothing clamped).
parts AS (
    SELECT *,
           CASE WHEN instr(rest, ':') > 0 THEN substr(rest, 1, instr(rest, ':') - 1) ELSE rest END
               AS part2,
           CASE WHEN instr(rest, ':') > 0 THEN substr(rest, instr(rest, ':') + 1) END AS part3
    FROM (SELECT *, substr(data, instr(data, ':') + 1) AS rest FROM labelled
          WHERE instr(data, ':') > 0)
),
ids AS (
    SELECT *,
           CASE WHEN part2 <> '' AND NOT part2 GLOB '*[^0-9]*'
                     AND CAST(CAST(part2 AS INTEGER) AS TEXT) = part2
                THEN CAST(part2 AS INTEGER) END AS first_id,
           CASE WHEN part3 <> '' AND NOT part3 GLOB '*[^0-9]*'
                     AND CAST(CAST(part3 AS INTEGER) AS TEXT) = part3
                THEN CAST(part3 AS INTEGER) END AS second_id
    FROM parts
),
converted AS (
    SELECT id, lang,
           CASE
               WHEN row_count = 1 AND data GLOB 'r:*' AND first_id IS NOT NULL
                    AND second_id IS NOT NULL THEN
                   json_object('submit_report', json_object(
                       'period', first_id, 'unit', second_id))
               WHEN row_count = 2 AND data GLOB 's:*' AND part3 = 'd' AND first_id IS NOT NULL THEN
                   json_object('task_card', json_object('assignment', first_id))
               WHEN row_count = 3 AND data GLOB 'h:a:*' AND second_id IS NOT NULL THEN
                   json_object('case_hop', json_object('hop', second_id))
               WHEN buttons IS NOT NULL AND second_id IS NOT NULL THEN
                   json_object('case_operator', json_object(
                       'case', second_id, 'buttons', json(buttons)))
           END AS keyboard
    FROM ids
)
UPDATE outbox
SET reply_markup = json_object('lang', converted.lang, 'keyboard', json(converted.keyboard))
FROM converted
WHERE outbox.id = converted.id
  AND converted.lang IS NOT NULL
  AND converted.keyboard IS NOT NULL;
