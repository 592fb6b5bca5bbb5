package kpi

import "testing"

func TestInitials(t *testing.T) {
	for name, want := range map[string]string{
		"Sở Công Thương":        "SCT",
		"Sở Kế hoạch và Đầu tư": "SKHĐT",
		"sở công thương":        "SCT",
		"":                      "",
	} {
		if got := Initials(name); got != want {
			t.Errorf("Initials(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestPlanLetterhead(t *testing.T) {
	data := append(DefaultPlanSource(), []byte(`
[letterhead]
authority = "UBND tỉnh Long An"
issuer = "Sở Công Thương"
symbol = "SCT"
place = "Tân An"
signer_title = "Giám đốc"
recipients = ["UBND tỉnh (b/c)", "Lưu: VT"]
`)...)
	p, err := ParsePlan("x.toml", data)
	if err != nil {
		t.Fatal(err)
	}
	if lh := p.Letterhead; lh.Authority != "UBND tỉnh Long An" || lh.SignerTitle != "Giám đốc" || len(lh.Recipients) != 2 {
		t.Errorf("letterhead = %+v", lh)
	}
}
