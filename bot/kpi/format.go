package kpi

import (
	"math"
	"math/big"
	"strconv"
	"strings"
)

// The words numbers are written with. They are data of the number format,
// like the decimal mark, not sentences: sentences live in locales/.
var (
	scaleNames = map[string]map[Scale]string{
		"vi": {Thousand: "nghìn", Million: "triệu", Billion: "tỉ"},
		"en": {Thousand: "thousand", Million: "million", Billion: "billion"},
	}
	measureNames = map[string]map[Measure]string{
		"vi": {USD: "USD", VND: "đồng", MWp: "MWp"},
		"en": {USD: "USD", VND: "VND", MWp: "MWp"},
	}
)

// langOf maps any language to one the formats know: English, else Vietnamese.
func langOf(lang string) string {
	if lang == "en" {
		return "en"
	}
	return "vi"
}

// scaleWord returns the word for s in lang ("tỉ", "billion"), "" for One.
func scaleWord(s Scale, lang string) string { return scaleNames[langOf(lang)][s] }

// measureSuffix returns what follows a number of measure m: " USD",
// " đồng", "%", " MWp", or "" for counts.
func measureSuffix(m Measure, lang string) string {
	if m == Percent {
		return "%"
	}
	if w := measureNames[langOf(lang)][m]; w != "" {
		return " " + w
	}
	return ""
}

// numberMarks returns the thousands and decimal marks of lang.
func numberMarks(lang string) (thousands, decimal string) {
	if langOf(lang) == "en" {
		return ",", "."
	}
	return ".", ","
}

// roundRat rounds r to d decimals, half away from zero, and returns the
// digits of |r|·10^d and the sign.
func roundRat(r *big.Rat, d int) (*big.Int, bool) {
	scaled := new(big.Rat).Mul(r, pow10(d))
	num := new(big.Int).Abs(scaled.Num())
	den := scaled.Denom()
	q, m := new(big.Int).QuoRem(num, den, new(big.Int))
	if m.Lsh(m, 1).Cmp(den) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	return q, scaled.Sign() < 0 && q.Sign() != 0
}

// FormatDecimal writes r with at most maxDecimals decimals, rounded half away
// from zero, trailing zeros trimmed, grouped the way lang writes numbers:
// Vietnamese "96.400", "6,4", "1.234,5"; English "96,400", "6.4". A nil r
// is written as "".
func FormatDecimal(r *big.Rat, maxDecimals int, lang string) string {
	if r == nil {
		return ""
	}
	maxDecimals = max(maxDecimals, 0)
	q, neg := roundRat(r, maxDecimals)
	s := q.String()
	if len(s) <= maxDecimals {
		s = strings.Repeat("0", maxDecimals-len(s)+1) + s
	}
	intPart, frac := s[:len(s)-maxDecimals], strings.TrimRight(s[len(s)-maxDecimals:], "0")
	th, dec := numberMarks(lang)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(th)
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString(dec + frac)
	}
	return b.String()
}

// FormatPercent writes a percentage for display with at most decimals
// decimals: Vietnamese "8,1%", English "8.1%". It rounds the decimal the
// float stands for (8.05 → "8,1%"), not its binary approximation. A NaN or
// infinite pct (progress against a zero target) is written "—".
func FormatPercent(pct float64, decimals int, lang string) string {
	if math.IsNaN(pct) || math.IsInf(pct, 0) {
		return "—"
	}
	r, ok := new(big.Rat).SetString(strconv.FormatFloat(pct, 'g', -1, 64))
	if !ok {
		return "—"
	}
	return FormatDecimal(r, decimals, lang) + "%"
}

// formatParts writes a in the indicator's display scale as its number and
// what follows it (" tỉ USD", "%"), so that a range can share one suffix.
func (ind *Indicator) formatParts(a Amount, lang string) (num, suffix string) {
	v := new(big.Rat).Quo(a.Rat(), pow10(int(ind.Scale)))
	switch ind.Measure {
	case USD, VND:
		d := 2
		// 3 million USD in billions is 0,003, not a misleading "0".
		for a != 0 && d < 3+int(ind.Scale) {
			if q, _ := roundRat(v, d); q.Sign() != 0 {
				break
			}
			d++
		}
		num = FormatDecimal(v, d, lang)
	case Percent:
		num = FormatDecimal(v, 2, lang)
	default:
		num = FormatDecimal(v, 3, lang)
	}
	if w := scaleWord(ind.Scale, lang); w != "" {
		suffix = " " + w
	}
	return num, suffix + measureSuffix(ind.Measure, lang)
}

// FormatAmount writes a total of the indicator in its display scale and
// language: Vietnamese "6,4 tỉ USD", "0,52 tỉ USD", "96.400 tỉ đồng", "6,5%",
// "49 MWp"; English "6.4 billion USD", "96,400 billion VND". Scaled money
// and percentages show up to 2 decimals (more only when 2 would show a
// non-zero amount as 0), other measures up to 3. For a milestone, a whole
// number n from 1 to the number of stages is shown as the name of stage n
// (stages reached); any other amount as a plain number.
func (ind *Indicator) FormatAmount(a Amount, lang string) string {
	if ind.Measure == Stages {
		if a%AmountScale == 0 {
			if n := int(a / AmountScale); n >= 1 && n <= len(ind.Stages) {
				return stageName(ind.Stages[n-1], lang)
			}
		}
		return FormatDecimal(a.Rat(), 3, lang)
	}
	num, suffix := ind.formatParts(a, lang)
	return num + suffix
}

// stageName returns the stage's name in lang.
func stageName(s Stage, lang string) string {
	if lang == "en" && s.EN != "" {
		return s.EN
	}
	return s.VI
}

// FormatTarget writes the indicator's target: "6,4 tỉ USD", a range "6,5–7%",
// a count "2", and for a milestone the name of its last stage in lang. A
// milestone without stages gives "".
func (ind *Indicator) FormatTarget(lang string) string {
	if ind.Kind == Milestone || ind.Measure == Stages {
		if len(ind.Stages) == 0 {
			return ""
		}
		return stageName(ind.Stages[len(ind.Stages)-1], lang)
	}
	if ind.IsRange() {
		lo, _ := ind.formatParts(ind.TargetMin, lang)
		hi, suffix := ind.formatParts(ind.TargetMax, lang)
		return lo + "–" + hi + suffix
	}
	return ind.FormatAmount(ind.Target, lang)
}

// naturalScales are the scales FormatNatural tries, largest first.
var naturalScales = []Scale{Billion, Million, Thousand}

// FormatNatural writes a in the way a person would say it: money in the
// largest scale in which it is at least 1 and exact with two decimals
// (520000000 USD is "520 triệu USD" / "520 million USD", 2150·10^9 VND is
// "2.150 tỉ đồng"), else in plain units ("1.234.567 USD"), so that a figure
// read back for confirmation is never rounded. Other measures are written
// plainly ("8,1%", "49 MWp", "2").
func FormatNatural(a Amount, m Measure, lang string) string {
	v := a.Rat()
	if isMoney(m) {
		abs := new(big.Rat).Abs(v)
		for _, s := range naturalScales {
			sv := new(big.Rat).Quo(abs, pow10(int(s)))
			if sv.Cmp(big.NewRat(1, 1)) < 0 {
				continue
			}
			if new(big.Rat).Mul(sv, big.NewRat(100, 1)).IsInt() {
				return writeScaled(new(big.Rat).Quo(v, pow10(int(s))), s, m, lang)
			}
		}
	}
	return FormatDecimal(v, 3, lang) + measureSuffix(m, lang)
}
