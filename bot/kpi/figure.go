package kpi

import (
	"errors"
	"strings"
)

// ReadFigure reads the figure of ind written on its own in text — a
// spreadsheet cell — as a typed report's value is read: the same number
// reader (ParseQuantity) and the same signs, a rate's "-2%", "âm 2%" or
// "giảm 2%" negative and any other kind's refused with ErrNegative. It
// returns the quantity before ToAmount (a bare number's unit is the
// caller's to supply), whether it is negative, and the part of text it
// read (the sign or word of decrease included), for the caller to refuse
// what text holds besides.
func (ind *Indicator) ReadFigure(text, lang string) (q Quantity, neg bool, used string, err error) {
	q, err = ParseQuantity(text, lang)
	written := q.Text
	if err != nil {
		var e *Error
		if !errors.As(err, &e) || e.ID != ErrNegative || ind.Kind != Rate {
			return Quantity{}, false, "", err
		}
		written = e.Data["text"]
		if q, err = ParseQuantity(dropSign(written), lang); err != nil {
			return Quantity{}, false, "", err
		}
		neg = true
	}
	used = written
	if k := strings.Index(text, written); k > 0 {
		if w := decreaseBefore(text[:k]); w != "" {
			if ind.Kind != Rate {
				return Quantity{}, false, "", Fail(ErrNegative, "text", w+" "+written)
			}
			neg = true
			if a := strings.LastIndex(text[:k], w); a >= 0 {
				used = text[a : k+len(written)]
			}
		}
	}
	return q, neg, used, nil
}
