package telegram

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"tiendo/handlers"
)

var _ handlers.Files = Sender{}

// downloadClient fetches the files users send. Its own timeout: a stalled
// download must not hold a chat's queue for ever.
var downloadClient = &http.Client{Timeout: time.Minute}

// SendFile posts a document or a photo with an HTML caption, once more after
// a short 429. The upload is read anew on each try.
func (s Sender) SendFile(ctx context.Context, chatID int64, f handlers.File) error {
	err := retry429(ctx, func() error { return s.SendFileOnce(ctx, chatID, f) })
	if err != nil {
		return fmt.Errorf("telegram: send file %s to chat %d: %w", f.Name, chatID, err)
	}
	return nil
}

// SendFileOnce makes one try; the outbox retries it for messages the bot
// sends on its own.
func (s Sender) SendFileOnce(ctx context.Context, chatID int64, f handlers.File) error {
	upload := &models.InputFileUpload{Filename: f.Name, Data: bytes.NewReader(f.Data)}
	var err error
	if f.Photo {
		_, err = s.b.SendPhoto(ctx, &tg.SendPhotoParams{ChatID: chatID, Photo: upload, Caption: f.Caption, ParseMode: models.ParseModeHTML})
	} else {
		_, err = s.b.SendDocument(ctx, &tg.SendDocumentParams{ChatID: chatID, Document: upload, Caption: f.Caption, ParseMode: models.ParseModeHTML})
	}
	return err
}

// Download fetches a file a user sent through getFile and its download URL,
// reading at most max bytes. The URL holds the token: errors never quote it.
func (s Sender) Download(ctx context.Context, fileID string, max int64) ([]byte, error) {
	f, err := s.b.GetFile(ctx, &tg.GetFileParams{FileID: fileID})
	if err != nil {
		return nil, fmt.Errorf("telegram: getFile: %w", err)
	}
	if f.FileSize > max {
		return nil, handlers.ErrFileTooLarge
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.b.FileDownloadLink(f), nil)
	if err != nil {
		return nil, errors.New("telegram: download: bad file path")
	}
	resp, err := downloadClient.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("telegram: download: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("telegram: download: HTTP %d", resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("telegram: download: %w", err)
	}
	if int64(len(data)) > max {
		return nil, handlers.ErrFileTooLarge
	}
	return data, nil
}
