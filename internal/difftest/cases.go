package difftest

// The fixed expressions and statements some categories draw from. They
// name interesting PostgreSQL behaviour; the expected outcomes still come
// from PostgreSQL at run time (D3).

// scalarCases are literal expressions with known-interesting PostgreSQL
// behaviour (not expected results: those come from PostgreSQL, D3). Float
// functions that PostgreSQL leaves to the C library (cbrt, exp, sin...)
// are left out: their last digit depends on the platform (D5).
var scalarCases = []string{
	// casts
	"'12'::int4", "' 12 '::int4", "'1.5'::int4", "1.5::int4", "2.5::int4", "(-2.5)::int4", "2.5::float8::int4",
	"3.5::float8::int4", "'abc'::int4", "'9999999999'::int4", "'9999999999'::int8", "3.14159::numeric(4,2)",
	"123.456::numeric(4,2)", "'true'::bool", "'yes'::bool", "'maybe'::bool", "1::bool", "0::bool", "5::bool",
	"true::int4", "12::text", "1.50::text", "1e20::float8::text", "'1e20'::float8", "0.1::float8 + 0.2::float8",
	"'NaN'::float8", "'nan'::numeric", "'-Infinity'::float8", "1/3::float8", "10::numeric / 3", "1::numeric / 7",
	"'  42'::int8", "'-0'::float8", "'0x1F'::int4", "'1_000'::int4", "9223372036854775807::int8", "'1e3'::numeric",
	"12345.678::float4", "1e-5::float8", "123456789012345678::float8", "0.000001::float8", "1e16::float8",
	"'3.7'::numeric::int4", "(-0.5)::int4", "0.5::int4", "'t'::bool::text", "255::int4::text || 'x'",
	// arithmetic and errors
	"2147483647 + 1", "2147483647::int8 + 1", "-2147483647 - 2", "(-2147483648)::int4 / -1", "(-2147483648)::int4 * -1",
	"9223372036854775807 + 1", "(-9223372036854775807 - 1) / -1", "1/0", "1 % 0", "1.0/0", "1::float8/0", "0.0/0",
	"'NaN'::numeric / 0", "7 / -2", "-7 / 2", "-7 % 3", "7 % -3", "mod(-7, 3)", "-7.5 % 2", "2 ^ 10", "2 ^ 0.5",
	"(-8) ^ (1.0/3)", "1e308::float8 * 10", "1e-308::float8 * 1e-308", "abs((-2147483648)::int4)", "@ -5",
	"46341 * 46341", "65536 * 32768", "-(-2147483648)::int4", "3037000500 * 3037000500", "5 / 2 * 2.0", "5.0 / 2",
	"1000000 * 1000000", "(1000000 * 1000000)::int8", "0.1 + 0.2", "1.10 * 1.10", "10 / 4.0", "1 / 3.0 * 3",
	// math functions
	"abs(-7)", "abs(-7.5)", "round(2.5)", "round(-2.5)", "round(2.5::float8)", "round(3.5::float8)", "round(1.2345, 2)",
	"round(1234.5, -2)", "trunc(-1.7)", "trunc(1.789, 1)", "ceil(-1.5)", "floor(-1.5)", "ceil(1.2::float8)", "sign(-3.3)",
	"sqrt(2)", "sqrt(16::numeric)", "sqrt(-1)", "ln(0)", "log(100)", "log(2, 8)", "exp(1::numeric)", "power(2, 10)",
	"power(2::numeric, 0.5)", "power(0, -1)", "power(-8, 1.0/3)", "gcd(12, 18)", "lcm(4, 6)", "div(7, 2)", "div(-7, 2)",
	"factorial(5)", "width_bucket(5.35, 0.024, 10.06, 5)", "pi()", "mod(10.5, 3)", "scale(1.2300)",
	"trim_scale(1.2300)", "min_scale(1.2300)", "round(0.5::float8)", "round(-0.5)", "1.0 / 3 * 3 = 1", "trunc(2.9::float8)",
	// strings
	"length('héllo')", "octet_length('héllo')", "bit_length('abc')", "substring('hello' from 2 for 3)", "substring('hello', 0, 2)",
	"substring('hello' from -1 for 3)", "substring('hello' from 2 for -1)", "substring('hello' from 10)", "position('l' in 'hello')",
	"lower('ÀÉÎ Mixed')", "upper('àéî mixed ß')", "trim(both 'x' from 'xxhixx')", "ltrim('  a  ')", "rtrim('xaxx', 'x')",
	"btrim('  a  ')", "replace('abcabc', 'b', '')", "replace('abc', '', 'x')", "split_part('a,b,c', ',', 2)",
	"split_part('a,b,c', ',', 5)", "split_part('a,b,c', ',', 0)", "split_part('a,b,c', ',', -1)", "repeat('ab', 3)",
	"repeat('x', -1)", "left('hello', -2)", "right('hello', -2)", "left('hello', 2)", "lpad('hi', 5, 'xy')", "lpad('hello', 2)",
	"rpad('hi', 5)", "rpad('hi', 5, '')", "reverse('héllo')", "initcap('hello wORLD foo_bar')", "concat('a', NULL, 2, true)",
	"concat_ws('-', 'a', NULL, 'b')", "chr(65)", "chr(0)", "ascii('A')", "ascii('')", "strpos('hello', 'll')",
	"starts_with('hello', 'he')", "md5('abc')", "to_hex(255)", "to_hex(-1)", "'abc' || NULL", "'a' || 1 || true",
	"'abc' LIKE 'a%'", "'a_c' LIKE 'a\\_c'", "'abc' LIKE 'a\\_c'", "'ABC' ILIKE 'a%'", "'abc' NOT LIKE '%b'",
	"'a%c' LIKE 'a#%c' ESCAPE '#'", "'abc' ~ 'b+'", "'ABC' ~* 'b'", "quote_literal('O''Brien')", "quote_ident('a b')",
	"translate('hello', 'el', 'ip')", "overlay('Txxxxas' placing 'hom' from 2 for 4)", "char_length('')", "length(NULL::text)",
	"substring('hello', 2)", "'abc' < 'abd'", "'Z' < 'a'", "'a' < 'B'", "'' < 'a'", "'abc' = 'abc '", "upper(NULL)",
	// conditionals and NULL logic
	"COALESCE(NULL, 1, 2)", "COALESCE(NULL, NULL)", "NULLIF(1, 1)", "NULLIF(1, 2)", "NULLIF('a', 'b')", "GREATEST(1, NULL, 3)",
	"LEAST(NULL, NULL)", "GREATEST('b', 'a', 'c')", "LEAST(1, 2.5)", "GREATEST(1, 2::int8)", "CASE WHEN NULL THEN 1 ELSE 2 END",
	"CASE 1 WHEN 1 THEN 'one' WHEN 2 THEN 'two' END", "CASE 3 WHEN 1 THEN 'one' END", "CASE WHEN true THEN 1 ELSE 2.5 END",
	"NULL::int4 + 1", "1 IS DISTINCT FROM NULL", "NULL IS NOT DISTINCT FROM NULL", "NULL = NULL", "NOT NULL::bool",
	"true AND NULL", "false AND NULL", "true OR NULL", "false OR NULL", "1 BETWEEN 3 AND 1", "1 BETWEEN SYMMETRIC 3 AND 1",
	"2 IN (1, NULL)", "1 IN (1, NULL)", "2 NOT IN (1, NULL)", "NULL IN (1, 2)", "'a' IN ('a', 'b')", "1 = ANY(ARRAY[1, 2])",
	"NULL::text IS NULL", "(NULL::int4 IS NULL) = true", "1 < 2 AND 2 < 3", "1 <> 1.0", "1 = 1.0::float8", "'1'::text = '1'",
	"CASE WHEN 1 = 1 THEN NULL ELSE 1 END", "COALESCE(1, 1/0)", "CASE WHEN false THEN 1/0 ELSE 0 END", "NULL",
}

// edgeOps can fail (overflow, division by zero, bad input, range errors).
var edgeOps = []string{
	"i4 + 1", "i4 - 1", "i4 * 2", "i4 * i4", "-i4", "abs(i4)", "i4 / -1", "i4 % -1", "10 / i4", "10 % i4", "i4 + i4",
	"i8 + 1", "i8 - 1", "i8 * 2", "i8 * i8", "-i8", "abs(i8)", "i8 / -1", "i8 / i4", "i8 % i4", "i4::int8 * i8", "i8::int4",
	"i8::numeric * 2", "i8::float8", "i4::int2", "i8 + i4", "n + 1", "n * n", "n / 3", "10 / n", "n::int4", "n::int8",
	"round(n, 1)", "n::numeric(5,2)", "n::float8", "sqrt(n)", "fl + 1", "fl * 2", "fl * fl", "fl / 0", "1 / fl", "fl::int4",
	"fl::int8", "fl::numeric", "round(fl)", "sqrt(fl)", "-fl", "fl::text", "ln(fl::numeric)", "s::int4", "s::int8", "s::numeric",
	"s::float8", "s::bool", "length(s)", "upper(s)", "s || i4", "i4::text || s", "i8::text", "n::text", "fl = fl",
	"fl > 0", "fl < 'Infinity'", "n > 0", "i4::float8 / 3", "i8::numeric / 7", "power(fl, 2)", "ceil(fl)",
	"trunc(n)", "mod(i4, 3)", "mod(i8, 0)", "i4 / 0", "i4 << 1", "i4 & 255", "i8 >> 3", "~i4", "i4 # 5", "abs(n)",
	"n % 1", "i4 BETWEEN -1 AND 1", "fl IS NULL", "s IS DISTINCT FROM '12'", "NULLIF(s, '')::int4", "COALESCE(i4, 0) * 2",
	"GREATEST(i4, i8)", "LEAST(fl, n::float8)", "CASE WHEN i4 > 0 THEN i4 * 2 ELSE 0 END", "i4::numeric * 1e10",
}

// edgeSafeOps never fail, so they can run over all of t5.
var edgeSafeOps = []string{
	"i4", "i8", "n", "fl", "s", "fl::text", "n::text", "i4::text", "fl IS NULL", "fl = 'NaN'", "fl > 0", "n > 0",
	"i4 IS DISTINCT FROM 0", "length(s)", "s = ''", "COALESCE(s, '?')", "fl = fl", "n = n", "i8 < 0", "fl < 'Infinity'",
	"i4::float8", "i8::numeric", "i8::float8", "sign(fl)", "sign(n)", "abs(fl)", "upper(s)", "n::float8", "fl::numeric IS NULL",
	"s LIKE '%1%'", "s ~ '^[0-9]+$'", "trim(s)", "GREATEST(fl, 0)", "LEAST(n, 0)", "i4 % 7", "i8 % 7",
}

// errorCases are statements PostgreSQL rejects (or nearly so).
var errorCases = []string{
	"SELECT nosuch FROM t1", "SELECT * FROM nosuch", "SELECT a FROM t1 JOIN t2 ON true", "SELECT a, count(*) FROM t1",
	"SELECT a FROM t1 GROUP BY b", "SELECT * FROM t1 WHERE count(*) > 1", "SELECT a + c FROM t1", "SELECT nosuchfunc(1)",
	"SELECT FROM WHERE", "SELECT DISTINCT ON (a) a, b FROM t1 ORDER BY b", "SELECT a FROM t1 ORDER BY 5",
	"SELECT a, b FROM t1 UNION SELECT a FROM t2", "SELECT a FROM t1 UNION SELECT c FROM t2",
	"SELECT * FROM t1 WHERE row_number() OVER () > 1", "SELECT sum(count(*)) FROM t1", "SELECT (SELECT a, b FROM t2)",
	"SELECT * FROM t1 WHERE a = 'x'", "SELECT a FROM t1 LIMIT -1", "SELECT a FROM t1 OFFSET -1", "SELECT t9.a FROM t1",
	"SELECT * FROM t1 WHERE c", "SELECT * FROM t1 WHERE a", "SELECT 'a' + 1", "SELECT a FROM t1 WHERE a IN (SELECT a, b FROM t2)",
	"SELECT sum(c) FROM t1", "SELECT avg(d) FROM t1", "SELECT x.a FROM t1 x, t1 x", "SELECT substring(c, 'x') FROM t1",
	"SELECT length(a) FROM t1", "SELECT * FROM t1 NATURAL JOIN t2 USING (a)", "SELECT a FROM t1 GROUP BY 9",
	"SELECT 1 FROM t1 HAVING a > 1", "SELECT CASE WHEN true THEN 1 ELSE 'x' END", "SELECT COALESCE(1, 'x')",
	"SELECT GREATEST(1, true)", "SELECT a FROM t1 WHERE a > ALL (SELECT c FROM t2)", "SELECT a::bool FROM t1",
	"SELECT 1 UNION SELECT 'a'", "SELECT lag(a) FROM t1", "SELECT rank() OVER (ORDER BY a) FROM t1 GROUP BY rank() OVER (ORDER BY a)",
	"WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n FROM r, r r2) SELECT * FROM r", "SELECT * FROM generate_series(1, 'a')",
	"SELECT d + 1 FROM t1", "SELECT -c FROM t1", "SELECT e || f FROM t1 WHERE false AND true", "SELECT NOT a FROM t1",
	"SELECT a FROM t1 t WHERE t1.a > 0", "SELECT * FROM (SELECT 1)", "SELECT * FROM (VALUES (1), (1, 2)) v",
	"SELECT string_agg(a, ',') FROM t1", "SELECT a BETWEEN 'x' AND 'y' FROM t1", "SELECT count(*) FROM t1 GROUP BY a HAVING c > ''",
	"SELECT DISTINCT a FROM t1 ORDER BY b", "SELECT a FROM t1 WHERE generate_series(1, 2) > 1", "SELECT sum(a) OVER w FROM t1",
	"SELECT count(*) FROM t1 GROUP BY ROLLUP", "SELECT a FROM t1 FETCH FIRST -1 ROWS ONLY", "SELECT (1, 2) = (1, 'x')",
	"SELECT ROW(1, 2) < ROW(1)", "WITH x AS (SELECT 1) SELECT * FROM x, x", "SELECT 1 FROM t1 l JOIN t2 r USING (g)",
}
