package convoytest

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

const (
	maxNameLen = 200
	maxIDLen   = 64 // sku and client-given manufacturer_id
	maxCount   = 50
	maxLimit   = 1000
)

type handlerFunc func(s *Server, req *request) response

// route is one endpoint. Segments in braces are path parameters.
type route struct {
	method   string
	pattern  string
	segments []string
	handle   handlerFunc
}

func newRoute(method, pattern string, handle handlerFunc) route {
	return route{method: method, pattern: pattern, segments: strings.Split(pattern[1:], "/"), handle: handle}
}

// apiRoutes lists every endpoint of the API.
func apiRoutes() []route {
	return []route{
		newRoute(http.MethodGet, "/manufacturers", (*Server).listManufacturers),
		newRoute(http.MethodPost, "/manufacturers", (*Server).createManufacturer),
		newRoute(http.MethodGet, "/manufacturers/{id}", (*Server).getManufacturer),
		newRoute(http.MethodGet, "/products", (*Server).listProducts),
		newRoute(http.MethodPost, "/products", (*Server).createProduct),
		newRoute(http.MethodGet, "/products/sku/{sku}", (*Server).getProductBySKU),
		newRoute(http.MethodGet, "/products/barcode/{barcode}", (*Server).getProductByBarcode),
		newRoute(http.MethodGet, "/inventory", (*Server).listInventory),
		newRoute(http.MethodPost, "/inventory", (*Server).createInventory),
		newRoute(http.MethodGet, "/inventory/{barcode}", (*Server).getInventoryItem),
		newRoute(http.MethodPut, "/inventory/{barcode}", (*Server).updateInventoryItem),
	}
}

// match returns the path parameters when the escaped path fits the
// route's pattern. Splitting the escaped path keeps an escaped slash
// inside one parameter.
func (rt *route) match(segments []string) ([]string, bool) {
	if len(segments) != len(rt.segments) {
		return nil, false
	}

	var params []string
	for i, want := range rt.segments {
		if strings.HasPrefix(want, "{") {
			if segments[i] == "" {
				return nil, false
			}
			params = append(params, segments[i])
			continue
		}
		if segments[i] != want {
			return nil, false
		}
	}

	return params, true
}

// route finds the endpoint, checks Accept, the API key and the rate limit,
// then calls the handler.
func (s *Server) route(req *request) response {
	r := req.http
	segments := strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), "/"), "/")

	var (
		allowed []string
		found   *route
	)
	for i := range s.routes {
		rt := &s.routes[i]
		params, ok := rt.match(segments)
		if !ok {
			continue
		}
		allowed = append(allowed, rt.method)
		if rt.method == r.Method {
			found = rt
			req.params = params
		}
	}

	switch {
	case found == nil && allowed == nil:
		return errorResponse(errorf(http.StatusNotFound, "no route %s %s; the closest route is %s",
			r.Method, quote(r.URL.EscapedPath()), s.closestRoute(r.Method, segments)))
	case found == nil:
		e := errorf(http.StatusMethodNotAllowed, "method %s is not allowed on %s; allowed: %s",
			r.Method, quote(r.URL.EscapedPath()), strings.Join(allowed, ", "))
		e.header = http.Header{"Allow": {strings.Join(allowed, ", ")}}
		return errorResponse(e)
	}

	for i, raw := range req.params {
		value, err := url.PathUnescape(raw)
		if err != nil {
			return errorResponse(invalidf("invalid escape in path segment %s", quote(raw)))
		}
		if apiErr := checkText(found.segments[paramIndex(found, i)], value); apiErr != nil {
			return errorResponse(apiErr)
		}
		req.params[i] = value
	}

	if !acceptsJSON(r.Header.Get("Accept")) {
		return errorResponse(errorf(http.StatusNotAcceptable,
			"Accept %s excludes application/json, the only type this API sends", quote(r.Header.Get("Accept"))))
	}

	acct, apiErr := s.authenticate(r.Header.Get("Authorization"))
	if apiErr != nil {
		return errorResponse(apiErr)
	}
	req.acct = acct

	if allowed, wait := s.limiter.allow(acct, s.clock.Now()); !allowed {
		e := errorf(http.StatusTooManyRequests, "rate limit of %d requests per %v exceeded; retry after %d seconds",
			s.limiter.requests, s.limiter.per, max(1, ceilSeconds(wait)))
		e.header = http.Header{"Retry-After": {strconv.Itoa(max(1, ceilSeconds(wait)))}}
		return errorResponse(e)
	}

	return found.handle(s, req)
}

// paramIndex returns the pattern segment of the i-th parameter, so that
// messages name it, such as "{sku}".
func paramIndex(rt *route, i int) int {
	for j, seg := range rt.segments {
		if strings.HasPrefix(seg, "{") {
			if i == 0 {
				return j
			}
			i--
		}
	}

	return 0
}

// authenticate finds the account of the Authorization header. It compares
// the key with every account's key in constant time.
func (s *Server) authenticate(authorization string) (*account, *apiError) {
	const howToSend = "send the bare key in the header \"Authorization: <API key>\", without a scheme such as Bearer"

	if authorization == "" {
		return nil, errorf(http.StatusUnauthorized, "missing API key; %s", howToSend)
	}

	var found *account
	for _, a := range s.accounts {
		if subtle.ConstantTimeCompare([]byte(a.key), []byte(authorization)) == 1 {
			found = a
		}
	}
	if found != nil {
		return found, nil
	}

	if scheme, _, ok := strings.Cut(authorization, " "); ok && strings.EqualFold(scheme, "Bearer") {
		return nil, errorf(http.StatusUnauthorized, "invalid API key: the %s scheme is not used; %s", scheme, howToSend)
	}

	return nil, errorf(http.StatusUnauthorized, "invalid API key; %s", howToSend)
}

// closestRoute names the route nearest to a request path by edit
// distance, with path parameters filled from the request's segments.
func (s *Server) closestRoute(method string, segments []string) string {
	const maxCompared = 200 // bounds the quadratic distance on huge paths

	requested := "/" + strings.Join(segments, "/")
	if len(requested) > maxCompared {
		requested = requested[:maxCompared]
	}

	best, bestScore := "", -1
	for _, rt := range s.routes {
		filled := make([]string, len(rt.segments))
		for i, seg := range rt.segments {
			filled[i] = seg
			if strings.HasPrefix(seg, "{") && i < len(segments) && segments[i] != "" {
				filled[i] = segments[i]
			}
		}

		candidate := "/" + strings.Join(filled, "/")
		if len(candidate) > maxCompared {
			candidate = candidate[:maxCompared]
		}

		score := editDistance(requested, candidate)
		if rt.method != method {
			score++
		}
		if bestScore < 0 || score < bestScore {
			best, bestScore = rt.method+" "+rt.pattern, score
		}
	}

	return best
}

// editDistance returns the Levenshtein distance between a and b in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}

	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}

	return prev[len(b)]
}

// GET /manufacturers: a page of manufacturers, oldest first.
func (s *Server) listManufacturers(req *request) response {
	f, apiErr := req.parseQuery("page", "limit")
	if apiErr != nil {
		return errorResponse(apiErr)
	}
	offset, limit, apiErr := pageParams(f, "limit", maxLimit)
	if apiErr != nil {
		return errorResponse(apiErr)
	}

	a := req.acct
	a.mu.RLock()
	defer a.mu.RUnlock()

	start, n := pageBounds(len(a.manufacturers), offset, limit)
	out := make([]wireManufacturer, 0, n)
	for m := start; m < start+n; m++ {
		out = append(out, s.wireManufacturer(a, int32(m)))
	}

	return ok(http.StatusOK, out)
}

// GET /manufacturers/{id}
func (s *Server) getManufacturer(req *request) response {
	if _, apiErr := req.parseQuery(); apiErr != nil {
		return errorResponse(apiErr)
	}

	a := req.acct
	a.mu.RLock()
	defer a.mu.RUnlock()

	m, found := a.manufacturerByID[req.params[0]]
	if !found {
		return errorResponse(errorf(http.StatusNotFound, "no manufacturer with id %s", quote(req.params[0])))
	}

	return ok(http.StatusOK, s.wireManufacturer(a, m))
}

// POST /manufacturers: name, and manufacturer_id unless the server is to
// generate one.
func (s *Server) createManufacturer(req *request) response {
	f, apiErr := req.parseBody("name", "manufacturer_id")
	if apiErr != nil {
		return errorResponse(apiErr)
	}
	name, apiErr := requiredField(f, "name", 1, maxNameLen)
	if apiErr != nil {
		return errorResponse(apiErr)
	}
	id, hasID := f["manufacturer_id"]
	if hasID {
		if apiErr := checkField("manufacturer_id", id, 1, maxIDLen); apiErr != nil {
			return errorResponse(apiErr)
		}
	}

	a := req.acct
	a.mu.Lock()
	defer a.mu.Unlock()

	if !hasID {
		id = s.newManufacturerID(a)
	}
	if _, exists := a.manufacturerByID[id]; exists {
		return errorResponse(errorf(http.StatusConflict, "manufacturer_id %s already exists", quote(id)))
	}

	m := a.addManufacturer(id, name)

	return ok(http.StatusCreated, s.wireManufacturer(a, m))
}

// GET /products: a page of products, oldest first, optionally of one
// manufacturer.
func (s *Server) listProducts(req *request) response {
	f, apiErr := req.parseQuery("page", "count", "manufacturer_id")
	if apiErr != nil {
		return errorResponse(apiErr)
	}
	offset, count, apiErr := pageParams(f, "count", maxCount)
	if apiErr != nil {
		return errorResponse(apiErr)
	}

	a := req.acct
	a.mu.RLock()
	defer a.mu.RUnlock()

	manufacturer := noFilter
	if id, filtered := f["manufacturer_id"]; filtered {
		if apiErr := checkField("manufacturer_id", id, 1, maxIDLen); apiErr != nil {
			return errorResponse(apiErr)
		}
		m, found := a.manufacturerByID[id]
		if !found {
			return ok(http.StatusOK, []wireProduct{})
		}
		manufacturer = int(m)
	}

	page := a.productPage(manufacturer, offset, count)
	out := make([]wireProduct, 0, len(page))
	for _, p := range page {
		out = append(out, s.wireProduct(a, p))
	}

	return ok(http.StatusOK, out)
}

// GET /products/sku/{sku}
func (s *Server) getProductBySKU(req *request) response {
	if _, apiErr := req.parseQuery(); apiErr != nil {
		return errorResponse(apiErr)
	}

	a := req.acct
	a.mu.RLock()
	defer a.mu.RUnlock()

	p, found := a.productBySKU[req.params[0]]
	if !found {
		return errorResponse(errorf(http.StatusNotFound, "no product with sku %s", quote(req.params[0])))
	}

	return ok(http.StatusOK, s.wireProduct(a, p))
}

// GET /products/barcode/{barcode}
func (s *Server) getProductByBarcode(req *request) response {
	if _, apiErr := req.parseQuery(); apiErr != nil {
		return errorResponse(apiErr)
	}

	a := req.acct
	a.mu.RLock()
	defer a.mu.RUnlock()

	barcode, valid := parseBarcode(productPrefix, req.params[0])
	p, found := a.productByBarcode[barcode]
	if !valid || !found {
		return errorResponse(errorf(http.StatusNotFound, "no product with barcode %s", quote(req.params[0])))
	}

	return ok(http.StatusOK, s.wireProduct(a, p))
}

// POST /products: name, sku and manufacturer_id, all required.
func (s *Server) createProduct(req *request) response {
	f, apiErr := req.parseBody("name", "sku", "manufacturer_id")
	if apiErr != nil {
		return errorResponse(apiErr)
	}
	name, apiErr := requiredField(f, "name", 1, maxNameLen)
	if apiErr != nil {
		return errorResponse(apiErr)
	}
	sku, apiErr := requiredField(f, "sku", 1, maxIDLen)
	if apiErr != nil {
		return errorResponse(apiErr)
	}
	id, apiErr := requiredField(f, "manufacturer_id", 1, maxIDLen)
	if apiErr != nil {
		return errorResponse(apiErr)
	}

	a := req.acct
	a.mu.Lock()
	defer a.mu.Unlock()

	m, found := a.manufacturerByID[id]
	if !found {
		return errorResponse(invalidf("no manufacturer with manufacturer_id %s; create it first", quote(id)))
	}
	if _, exists := a.productBySKU[sku]; exists {
		return errorResponse(errorf(http.StatusConflict, "a product with sku %s already exists", quote(sku)))
	}

	p := a.addProduct(product{sku: sku, name: name, barcode: s.unusedUUID(a.hasProductBarcode), manufacturer: m})

	return ok(http.StatusCreated, s.wireProduct(a, p))
}

// GET /inventory: a page of items, newest first, optionally filtered by
// state and sku.
func (s *Server) listInventory(req *request) response {
	f, apiErr := req.parseQuery("state", "sku", "page", "count")
	if apiErr != nil {
		return errorResponse(apiErr)
	}
	offset, count, apiErr := pageParams(f, "count", maxCount)
	if apiErr != nil {
		return errorResponse(apiErr)
	}

	state := noFilter
	if name, filtered := f["state"]; filtered {
		st, apiErr := s.parseState(name)
		if apiErr != nil {
			return errorResponse(apiErr)
		}
		state = int(st)
	}

	a := req.acct
	a.mu.RLock()
	defer a.mu.RUnlock()

	prod := noFilter
	if sku, filtered := f["sku"]; filtered {
		if apiErr := checkField("sku", sku, 1, maxIDLen); apiErr != nil {
			return errorResponse(apiErr)
		}
		p, found := a.productBySKU[sku]
		if !found {
			return ok(http.StatusOK, []wireItem{})
		}
		prod = int(p)
	}

	return ok(http.StatusOK, s.wireItems(a, a.inventoryPage(state, prod, offset, count)))
}

// GET /inventory/{barcode}
func (s *Server) getInventoryItem(req *request) response {
	if _, apiErr := req.parseQuery(); apiErr != nil {
		return errorResponse(apiErr)
	}

	a := req.acct
	a.mu.RLock()
	defer a.mu.RUnlock()

	pos, apiErr := findItem(a, req.params[0])
	if apiErr != nil {
		return errorResponse(apiErr)
	}

	return ok(http.StatusOK, s.wireItem(a, pos))
}

// POST /inventory: quantity new items of sku, in the initial state.
func (s *Server) createInventory(req *request) response {
	f, apiErr := req.parseBody("sku", "quantity")
	if apiErr != nil {
		return errorResponse(apiErr)
	}
	sku, apiErr := requiredField(f, "sku", 1, maxIDLen)
	if apiErr != nil {
		return errorResponse(apiErr)
	}
	if _, found := f["quantity"]; !found {
		return errorResponse(invalidf("missing required field quantity"))
	}
	quantity, apiErr := intParam(f, "quantity", 0, 1, s.cfg.maxQuantity)
	if apiErr != nil {
		return errorResponse(apiErr)
	}

	a := req.acct
	a.mu.Lock()
	defer a.mu.Unlock()

	p, found := a.productBySKU[sku]
	if !found {
		return errorResponse(invalidf("no product with sku %s; create it first", quote(sku)))
	}

	now := s.clock.Now().Unix()
	positions := make([]int32, 0, quantity)
	for range quantity {
		pos := int32(len(a.items))
		positions = append(positions, a.addItem(item{barcode: s.itemBarcode(a, pos), created: now, modified: now, product: p}))
	}

	return ok(http.StatusCreated, s.wireItems(a, positions))
}

// PUT /inventory/{barcode}: state. Setting the current state again
// changes nothing, not even date_modified.
func (s *Server) updateInventoryItem(req *request) response {
	f, apiErr := req.parseBody("state")
	if apiErr != nil {
		return errorResponse(apiErr)
	}
	name, apiErr := requiredField(f, "state", 1, maxIDLen)
	if apiErr != nil {
		return errorResponse(apiErr)
	}
	state, apiErr := s.parseState(name)
	if apiErr != nil {
		return errorResponse(apiErr)
	}

	a := req.acct
	a.mu.Lock()
	defer a.mu.Unlock()

	pos, apiErr := findItem(a, req.params[0])
	if apiErr != nil {
		return errorResponse(apiErr)
	}

	if a.items[pos].state != state {
		a.setState(pos, state, s.clock.Now().Unix())
	}

	return ok(http.StatusOK, []wireItem{s.wireItem(a, pos)})
}

func findItem(a *account, text string) (int32, *apiError) {
	barcode, valid := parseBarcode(itemPrefix, text)
	pos, found := a.findItem(barcode)
	if !valid || !found {
		return 0, errorf(http.StatusNotFound, "no inventory item with barcode %s", quote(text))
	}

	return pos, nil
}

func (s *Server) parseState(name string) (uint8, *apiError) {
	state, known := s.states[name]
	if !known {
		return 0, invalidf("unknown state %s; known states: %s", quote(name), strings.Join(s.cfg.states, ", "))
	}

	return state, nil
}

// parseQuery parses the request's query, which may hold only allowed.
func (req *request) parseQuery(allowed ...string) (fields, *apiError) {
	f, values, apiErr := parseQuery(req.http.URL.RawQuery, allowed...)
	req.query = values

	return f, apiErr
}

// parseBody parses the request body, which may hold only allowed; a POST
// or PUT takes no query parameters.
func (req *request) parseBody(allowed ...string) (fields, *apiError) {
	if _, apiErr := req.parseQuery(); apiErr != nil {
		return nil, apiErr
	}

	f, values, apiErr := readBody(req.w, req.http, allowed...)
	req.form = values

	return f, apiErr
}
