package bot

import "runtime/debug"

// version is set at build time with -ldflags "-X tiendo/bot.version=v1.2.3";
// without it Version reads what the Go toolchain stamped into the binary.
var version = ""

// Version returns the version of this build: the -ldflags one, else the
// module version or VCS revision Go recorded ("(devel)" in a plain go run),
// with "+dirty" for a build from a modified tree. It cannot fail.
func Version() string {
	if version != "" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := bi.Main.Version
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if (v == "" || v == "(devel)") && rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		return rev + dirty
	}
	if v == "" {
		return "unknown"
	}
	return v
}
