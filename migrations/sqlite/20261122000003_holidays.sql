-- The public-holiday table: dates on which no reminder goes out and overdue days do not
-- count. Saturdays and Sundays are days off without a row; a row adds a day off
-- ('day_off') or turns a weekend day into a working day ('working_day', for the Saturdays
-- the government swaps when it moves a holiday). `dondoc holidays import FILE` replaces
-- whole years from a spreadsheet; years not in the file are left as they are.

CREATE TABLE holidays (
    day   TEXT NOT NULL PRIMARY KEY,  -- YYYY-MM-DD, as every date column here
    name  TEXT NOT NULL,
    kind  TEXT NOT NULL CHECK (kind IN ('day_off','working_day'))
);

-- 2026: the days off announced for the year (Tết Nguyên đán: mùng 1 = 17/02/2026).
-- Giỗ Tổ Hùng Vương (10/3 âm lịch) falls on Sunday 26/04, so Monday 27/04 is given in lieu.
INSERT INTO holidays (day, name, kind) VALUES
    ('2026-01-01', 'Tết Dương lịch', 'day_off'),
    ('2026-02-14', 'Tết Nguyên đán', 'day_off'),
    ('2026-02-15', 'Tết Nguyên đán', 'day_off'),
    ('2026-02-16', 'Tết Nguyên đán', 'day_off'),
    ('2026-02-17', 'Tết Nguyên đán', 'day_off'),
    ('2026-02-18', 'Tết Nguyên đán', 'day_off'),
    ('2026-02-19', 'Tết Nguyên đán', 'day_off'),
    ('2026-02-20', 'Tết Nguyên đán', 'day_off'),
    ('2026-02-21', 'Tết Nguyên đán', 'day_off'),
    ('2026-02-22', 'Tết Nguyên đán', 'day_off'),
    ('2026-04-26', 'Giỗ Tổ Hùng Vương', 'day_off'),
    ('2026-04-27', 'Giỗ Tổ Hùng Vương (nghỉ bù)', 'day_off'),
    ('2026-04-30', 'Ngày Giải phóng miền Nam, thống nhất đất nước', 'day_off'),
    ('2026-05-01', 'Ngày Quốc tế Lao động', 'day_off'),
    ('2026-09-01', 'Quốc khánh', 'day_off'),
    ('2026-09-02', 'Quốc khánh', 'day_off'),
    ('2026-11-24', 'Ngày Văn hóa Việt Nam', 'day_off');

-- 2027: worked out from the Labour Code's rules, NOT yet from an official notice. Tết
-- (mùng 1 = Saturday 06/02/2027) runs from Friday 05/02 (29 Tết) to Thursday 11/02, the
-- last two days given in lieu of mùng 1–2 falling on the weekend; Quốc khánh pairs 02/09
-- with Friday 03/09; 01/05 is a Saturday, so Monday 03/05 is given in lieu. Check these
-- against the Ministry of Home Affairs' notice for 2027 and correct them with
-- `dondoc holidays import` (it replaces the whole year).
INSERT INTO holidays (day, name, kind) VALUES
    ('2027-01-01', 'Tết Dương lịch', 'day_off'),
    ('2027-02-05', 'Tết Nguyên đán', 'day_off'),
    ('2027-02-06', 'Tết Nguyên đán', 'day_off'),
    ('2027-02-07', 'Tết Nguyên đán', 'day_off'),
    ('2027-02-08', 'Tết Nguyên đán', 'day_off'),
    ('2027-02-09', 'Tết Nguyên đán', 'day_off'),
    ('2027-02-10', 'Tết Nguyên đán (nghỉ bù)', 'day_off'),
    ('2027-02-11', 'Tết Nguyên đán (nghỉ bù)', 'day_off'),
    ('2027-04-16', 'Giỗ Tổ Hùng Vương', 'day_off'),
    ('2027-04-30', 'Ngày Giải phóng miền Nam, thống nhất đất nước', 'day_off'),
    ('2027-05-01', 'Ngày Quốc tế Lao động', 'day_off'),
    ('2027-05-03', 'Ngày Quốc tế Lao động (nghỉ bù)', 'day_off'),
    ('2027-09-02', 'Quốc khánh', 'day_off'),
    ('2027-09-03', 'Quốc khánh', 'day_off'),
    ('2027-11-24', 'Ngày Văn hóa Việt Nam', 'day_off');
