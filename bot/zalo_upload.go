package bot

import (
	"context"
	"errors"
	"log/slog"
	"strconv"

	"tiendo/bot/report"
	"tiendo/bot/store"
	"tiendo/bot/zalo"
	"tiendo/handlers"
)

// newUploads makes the channel's upload links (bot/zalo/upload.go), signed
// with the file links' key; the uploads are handled once run starts.
func (z *zaloChannel) newUploads(cfg Config, app *handlers.App, links *zalo.Links) *zalo.Uploads {
	return &zalo.Uploads{Base: cfg.PublicURL, Key: links.Key, MaxSize: report.MaxFileSize, Now: links.Now,
		Cat: app.Cat, LangOf: z.out.LangOf,
		Handle: func(ctx context.Context, up zalo.Upload) zalo.UploadResult {
			h, _ := z.upload.Load().(func(context.Context, zalo.Upload) zalo.UploadResult)
			if h == nil {
				return zalo.UploadFailed
			}
			return h(ctx, up)
		}}
}

// uploadFn handles an upload as a message of its chat carrying the file,
// through the same update log as every message (its id from the link and
// the content: the same file posted twice is handled once): the handlers
// check the sender's rights now, read the form within the same bounds as
// one sent on Telegram, and send the read-back, with its numbered choices,
// to the Zalo chat.
func (z *zaloChannel) uploadFn(st *store.Store, log *slog.Logger, handle handleFn) func(context.Context, zalo.Upload) zalo.UploadResult {
	return func(ctx context.Context, up zalo.Upload) zalo.UploadResult {
		fileID := "upload:" + strconv.FormatInt(up.ID, 16)
		req := handlers.Request{UpdateID: up.ID, ChatID: up.Chat, ChatType: "private", MessageID: int(up.ID & 0x7fffffff),
			UserID: up.Chat, LangCode: "vi",
			Document: &handlers.Document{FileID: fileID, Name: up.Name, MimeType: up.MimeType, Size: int64(len(up.Data))}}
		// A linked account acts as its user, as for a message (prepare).
		alias, err := st.ZaloAlias(ctx, up.Chat)
		if err == nil && alias != 0 {
			req.UserID = alias
			if u, uerr := st.User(ctx, alias); uerr == nil {
				req.UserName = u.Name // under the name on record, as prepare does
			} else if !errors.Is(uerr, store.ErrNotFound) {
				err = uerr
			}
		}
		if err != nil {
			log.Warn("zalo: upload", "update_id", up.ID, "err", err)
			return zalo.UploadFailed
		}
		defer z.out.Hold(fileID, up.Data)()
		if handle(ctx, z.out, up.ID, req, true) != handled {
			return zalo.UploadBusy
		}
		return zalo.UploadHandled
	}
}
