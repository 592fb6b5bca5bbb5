package telegramtest

import (
	"bytes"
	"image"
	_ "image/jpeg" // photos Telegram accepts
	_ "image/png"
	"net/http"
	"path"
	"strconv"
	"strings"
)

// Telegram's limits on files, enforced with 400 like Telegram.
const (
	MaxPhotoSize     = 10 << 20 // sendPhoto upload
	MaxDocumentSize  = 50 << 20 // sendDocument upload
	MaxDownloadSize  = 20 << 20 // getFile: bots download at most this
	maxPhotoSides    = 10000    // width + height
	maxPhotoRatio    = 20
	fileIDPrefix     = "file-"
	userFilesDirName = "documents"
)

type wirePhotoSize struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	FileSize     int64  `json:"file_size,omitempty"`
}

type wireFile struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	FileSize     int64  `json:"file_size,omitempty"`
	FilePath     string `json:"file_path,omitempty"`
}

// SendDocument queues a message from the person carrying a file (name, MIME
// type, bytes) with an optional caption, and returns its update_id. The bot
// can fetch the file with getFile and the download URL, as from Telegram.
func (s *Server) SendDocument(from From, name, mimeType string, data []byte, caption string) (updateID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatForLocked(from)
	m := &message{text: caption, plain: caption, at: s.now(), filename: name, size: int64(len(data))}
	c.add(m)
	s.nextFile++
	id := fileIDPrefix + strconv.Itoa(s.nextFile)
	s.userFiles[id] = userFile{id: id, path: userFilesDirName + "/file_" + strconv.Itoa(s.nextFile) + path.Ext(name), data: append([]byte(nil), data...)}
	msg := wireMessage{
		MessageID: m.id,
		From:      userOf(from),
		Chat:      c.wire(),
		Date:      m.at.Unix(),
		Caption:   caption,
		Document: &wireDocument{FileID: id, FileUniqueID: "uf" + strconv.Itoa(s.nextFile), FileName: name,
			MimeType: mimeType, FileSize: int64(len(data))},
	}
	return s.enqueueLocked(func(id int64) any { return wireUpdate{UpdateID: id, Message: &msg} })
}

// getFile answers with the path to download a file a person sent.
func getFile(s *Server, _ *http.Request, p params) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.userFiles[p.get("file_id")]
	if !ok {
		return nil, badRequest("invalid file_id")
	}
	if len(f.data) > MaxDownloadSize {
		return nil, badRequest("file is too big")
	}
	return wireFile{FileID: f.id, FileUniqueID: "u" + f.id, FileSize: int64(len(f.data)), FilePath: f.path}, nil
}

// serveFile answers the download URL of getFile's file_path.
func (s *Server) serveFile(w http.ResponseWriter, filePath string) {
	s.mu.Lock()
	var data []byte
	found := false
	for _, f := range s.userFiles {
		if f.path == filePath {
			data, found = f.data, true
			break
		}
	}
	s.mu.Unlock()
	if !found {
		http.Error(w, "Not Found", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	_, _ = w.Write(data)
}

// upload finds the file of a send method: a multipart part named field, or
// "attach://name"; a string is a file_id or URL, kept as the name.
func upload(p params, field string) (fileInfo, *apiError) {
	if f, ok := p.files[field]; ok {
		return f, nil
	}
	v := p.get(field)
	if v == "" {
		return fileInfo{}, badRequest("there is no " + field + " in the request")
	}
	if name, ok := strings.CutPrefix(v, "attach://"); ok {
		if f, ok := p.files[name]; ok {
			return f, nil
		}
		return fileInfo{}, badRequest("wrong file identifier/HTTP URL specified")
	}
	return fileInfo{name: v}, nil
}

// fileRequest is what sendPhoto and sendDocument read alike: the chat, the
// caption (checked as Telegram checks one) and the file uploaded in field.
type fileRequest struct {
	chatID                           int64
	caption, parseMode, plain, canon string
	file                             fileInfo
}

func readFileRequest(p params, field string) (fileRequest, *apiError) {
	chatID, e := chatParam(p)
	if e != nil {
		return fileRequest{}, e
	}
	fr := fileRequest{chatID: chatID, caption: p.get("caption"), parseMode: p.get("parse_mode")}
	if fr.plain, fr.canon, e = checkText(fr.caption, fr.parseMode, MaxCaptionLen, true); e != nil {
		return fileRequest{}, e
	}
	if fr.file, e = upload(p, field); e != nil {
		return fileRequest{}, e
	}
	return fr, nil
}

// sendPhoto accepts a picture Telegram would: one that decodes as PNG or
// JPEG, at most 10 MB, width + height at most 10000, sides at most 20:1.
func sendPhoto(s *Server, _ *http.Request, p params) (any, *apiError) {
	fr, e := readFileRequest(p, "photo")
	if e != nil {
		return nil, e
	}
	photo := fr.file
	var w, h int
	if photo.data != nil {
		if len(photo.data) > MaxPhotoSize {
			return nil, badRequest("PHOTO_INVALID: file is too big")
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(photo.data))
		if err != nil || cfg.Width == 0 || cfg.Height == 0 {
			return nil, badRequest("IMAGE_PROCESS_FAILED")
		}
		if cfg.Width+cfg.Height > maxPhotoSides || cfg.Width > maxPhotoRatio*cfg.Height || cfg.Height > maxPhotoRatio*cfg.Width {
			return nil, badRequest("PHOTO_INVALID_DIMENSIONS")
		}
		w, h = cfg.Width, cfg.Height
	}
	kb, e := parseMarkup(p.get("reply_markup"))
	if e != nil {
		return nil, e
	}
	m := &message{fromBot: true, method: "sendPhoto", text: fr.caption, parseMode: fr.parseMode, plain: fr.plain, canon: fr.canon,
		kb: kb, filename: photo.name, size: photo.size, width: w, height: h}
	return s.post(fr.chatID, m, Sent{Filename: photo.name, FileSize: photo.size, ContentType: photo.contentType, Data: photo.data, Width: w, Height: h})
}

func (s *Server) wirePhoto(c *chat, m *message) []wirePhotoSize {
	id := "photo-" + strconv.FormatInt(c.id, 10) + "-" + strconv.Itoa(m.id)
	return []wirePhotoSize{{FileID: id, FileUniqueID: "up" + strconv.Itoa(m.id), Width: m.width, Height: m.height, FileSize: m.size}}
}
