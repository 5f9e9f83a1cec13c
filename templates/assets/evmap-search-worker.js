/* evmap's search worker, written in place of Material's (same file name, same
 * messages: SETUP -> READY, QUERY -> RESULT), so Material's search box and result
 * list stay as they are. Instead of building a lunr index from the whole site's
 * text, it loads only the shards a query needs (evmap/site/search.py writes
 * them): term shards for the query's words, then entry shards for the results
 * shown. Shards are scripts calling evmapSearch(name, data): the hosted site's
 * real worker fetches them and reads the JSON inside, the iframe-worker shim's
 * iframe (file://, where fetch() of local files is blocked) loads them as
 * scripts.
 *
 * Everything taken from the index is text: it is HTML-escaped here before the
 * <mark> highlights are added, because Material inserts titles and teasers as
 * HTML. */
"use strict";
(function () {
  var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
  var FORMAT = 1;
  var MAX_PAGES = 15;      // result groups (pages) listed
  var MAX_PER_PAGE = 4;    // entries listed under one page
  var TITLE_BOOST = 1000;  // Material's default field boosts (title 1000, text 1)
  var NAME_BOOST = 4000;   // two query words in a row that are two words of an entity's name
  var WHOLE_BOOST = 16000; // the whole query is an entity's name or synonym
  var K1 = 1.2;

  // The worker's own address: in a real worker self.location, in the shim's
  // iframe the script element (whose page is the site's page, not the worker).
  var script = typeof document !== "undefined" && document.currentScript;
  var here = script ? script.src : self.location.href;
  var root = new URL("../../../", here);

  var manifest = null;     // evmap's table from the SETUP message
  var suggest = false;
  var starts = [];         // first entry of each page
  var bounds = [];         // first entry of each entry shard
  var stop = new Set();
  var shards = new Map();  // name -> data
  var latest = 0;          // number of the newest query; older answers are dropped

  self.evmapSearch = function (name, data) {
    shards.set(name, data);
  };

  function fileName(key) {
    var out = "";
    for (var ch of key)
      out += /^[a-z0-9]$/.test(ch) ? ch : "_" + ch.codePointAt(0).toString(16) + "_";
    return out;
  }

  // Shards not yet loaded, all at once: in a real worker (hosted) fetched and
  // parsed as JSON, in the shim's iframe (file://, no fetch) as script elements.
  var loading = new Map();  // name -> promise of a shard being loaded

  function load(names) {
    return Promise.all(names.map(function (name) {
      if (shards.has(name))
        return null;
      if (!loading.has(name))
        loading.set(name, fetchShard(name));
      return loading.get(name);
    }));
  }

  function fetchShard(name) {
    var url = new URL("search/evmap/" + name + ".js", root).href;
    var done = typeof document === "undefined"
      ? fetch(url).then(function (response) {
        if (!response.ok)
          throw new Error("cannot load " + url + " (" + response.status + ")");
        return response.text();
      }).then(function (text) {
        shards.set(name, JSON.parse(text.slice(text.indexOf(",") + 1, text.lastIndexOf(")"))));
      })
      : new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = url;
        tag.onload = resolve;
        tag.onerror = function () { reject(new Error("cannot load " + url)); };
        document.body.appendChild(tag);
      });
    return done.catch(function (err) {
      loading.delete(name);  // tried again by the next query
      throw err;
    });
  }

  function fold(run) {
    return run.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
  }

  function words(text) {
    var folded = text.normalize("NFC").toLowerCase().replace(/[^\x00-\x7f]+/g, fold);
    return folded.match(/[\p{L}\p{N}]+/gu) || [];
  }

  function escapeHTML(text) {
    return text.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // ``text`` escaped, each word starting with one of ``found`` in <mark>.
  function highlight(text, found) {
    if (!found.length)
      return escapeHTML(text);
    var out = "", done = 0;
    for (var m of text.matchAll(/[\p{L}\p{N}\p{M}]+/gu)) {
      var hit = words(m[0]).some(function (w) {
        return found.some(function (f) { return w.startsWith(f); });
      });
      if (!hit)
        continue;
      out += escapeHTML(text.slice(done, m.index)) + "<mark>" + escapeHTML(m[0]) + "</mark>";
      done = m.index + m[0].length;
    }
    return out + escapeHTML(text.slice(done));
  }

  // Material's query syntax, simply: words, "+word" required, "-word" excluded;
  // every word matches as a prefix (Material adds "*" to each), stop words only
  // while being typed (the last word).
  // Then, for each two words in a row, a clause for the pair as one term ("r_ketamine"),
  // and one for the whole query as a name ("_r_ketamine"): the index holds the pairs and
  // the whole of each entity's name and synonyms (search.py), so a name typed as it is
  // written ("(R)-ketamine", a DOI) finds its own page first.
  function parse(query) {
    var clauses = [];
    var parts = query.replace(/"/g, " ").trim().split(/\s+/).filter(Boolean);
    var previous = null, all = [];
    parts.forEach(function (part, index) {
      var presence = part[0] === "+" ? 1 : part[0] === "-" ? -1 : 0;
      var terms = words(part.replace(/^[+-]/, ""));
      terms.forEach(function (term, j) {
        var typing = index === parts.length - 1 && j === terms.length - 1;
        if (previous !== null && presence >= 0)
          clauses.push({ term: previous + "_" + term, presence: 0, pair: true });
        previous = presence >= 0 ? term : null;
        if (presence >= 0) all.push(term);
        if (stop.has(term) && !typing)
          return;
        clauses.push({ term: term, presence: presence });
      });
    });
    if (all.length)
      clauses.push({ term: "_" + all.join("_"), presence: 0, pair: true, whole: true });
    return clauses;
  }

  function termShards(term) {
    return manifest.terms.filter(function (key) {
      return key.startsWith(term) || term.startsWith(key);
    }).map(function (key) { return "t/" + fileName(key); });
  }

  // The last of ``firsts`` (ascending) at or before ``entry``.
  function find(firsts, entry) {
    var lo = 0, hi = firsts.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (firsts[mid] <= entry) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  function pageOf(entry) {
    return find(starts, entry);
  }

  function entryShard(entry) {
    return "d/" + find(bounds, entry);
  }

  function entry(id) {
    return shards.get(entryShard(id))[id - bounds[find(bounds, id)]];
  }

  async function search(query, number) {
    var clauses = parse(query);
    if (!clauses.length)
      return { items: [] };
    var needed = new Set();
    needed.add("pages");
    clauses.forEach(function (c) { termShards(c.term).forEach(function (s) { needed.add(s); }); });
    await load(Array.from(needed));
    if (number !== latest)
      return null;
    var total = manifest.entries;
    var scores = new Map(), matched = new Map(), excluded = new Set(), named = new Map();
    // Pairs after words: a pair only adds to entries its words found.
    clauses = clauses.filter(function (c) { return !c.pair; }).concat(
      clauses.filter(function (c) { return c.pair; }));
    clauses.forEach(function (clause, ci) {
      var best = new Map();
      termShards(clause.term).forEach(function (name) {
        var shard = shards.get(name);
        for (var word in shard) {
          if (!word.startsWith(clause.term))
            continue;
          var list = shard[word], df = list.length / 2;
          var idf = Math.log(1 + (total - df + 0.5) / (df + 0.5));
          var exact = word === clause.term ? 1 : 0.75;
          for (var i = 0, id = 0; i < list.length; i += 2) {
            id += list[i];
            var tf = list[i + 1] >> 1, inTitle = list[i + 1] & 1;
            var s = clause.pair ? exact * (clause.whole ? WHOLE_BOOST : NAME_BOOST) : idf * exact * (
              (inTitle ? TITLE_BOOST : 0) + (tf ? (K1 + 1) * tf / (tf + K1) : 0));
            if (!(best.get(id) >= s))
              best.set(id, s);
          }
        }
      });
      best.forEach(function (s, id) {
        if (clause.presence < 0) {
          excluded.add(id);
          return;
        }
        if (clause.pair) {  // adds to an entry the words found it for; never finds it alone
          if (scores.has(id)) named.set(id, (named.get(id) || 0) + s);
          return;
        }
        scores.set(id, (scores.get(id) || 0) + s);
        var m = matched.get(id) || [];
        m[ci] = true;
        matched.set(id, m);
      });
    });
    var positive = clauses.filter(function (c) { return c.presence >= 0 && !c.pair; });
    var ranked = [];
    scores.forEach(function (score, id) {
      if (excluded.has(id))
        return;
      var m = matched.get(id);
      var ok = clauses.every(function (c, ci) { return c.presence !== 1 || m[ci]; });
      if (!ok)
        return;
      var count = m.filter(Boolean).length;
      var page = pageOf(id);
      // Material's own boost: a page's entry above its sections, more words matched higher
      var boost = (starts[page] === id ? 1 : 0) + count / positive.length;
      ranked.push({
        id: id, page: page, score: (score + (named.get(id) || 0)) * (1 + boost * boost), m: m
      });
    });
    ranked.sort(function (a, b) { return b.score - a.score || a.id - b.id; });
    var groups = new Map();
    for (var r of ranked) {
      var group = groups.get(r.page);
      if (!group) {
        if (groups.size >= MAX_PAGES)
          continue;
        groups.set(r.page, group = []);
      }
      if (group.length < MAX_PER_PAGE)
        group.push(r);
    }
    var ids = new Set();
    groups.forEach(function (group) {
      group.forEach(function (r) { ids.add(r.id); });
    });
    await load(Array.from(new Set(Array.from(ids).map(entryShard))));
    if (number !== latest)
      return null;
    var found = positive.map(function (c) { return c.term; });
    var items = [];
    groups.forEach(function (group, page) {
      var list = group.map(function (r) {
        var e = entry(r.id), terms = {};
        clauses.forEach(function (c, ci) {
          if (c.presence >= 0 && !c.pair) terms[c.term] = !!r.m[ci];
        });
        return {
          location: e[0], title: highlight(e[1], found), text: highlight(e[2], found),
          score: r.score, terms: terms
        };
      });
      if (!group.some(function (r) { return r.id === starts[page]; })) {
        // The page heads its group (as in Material's own search, with no teaser).
        var p = shards.get("pages")[page];
        list.push({ location: p[0], title: escapeHTML(p[1]), text: "", score: 0, terms: {} });
      }
      items.push(list);
    });
    var result = { items: items };
    if (suggest) {
      var top = ranked.find(function (r) { return r.m.filter(Boolean).length === positive.length; });
      result.suggest = top ? words(entry(top.id)[1]).filter(function (w) {
        return found.some(function (f) { return w.startsWith(f); });
      }) : [];
    }
    return result;
  }

  function sums(steps) {
    var out = [], at = 0;
    for (var step of steps) out.push(at += step);
    return out;
  }

  addEventListener("message", async function (ev) {
    var message = ev.data;
    if (message.type === SETUP) {
      manifest = message.data.config && message.data.config.evmap;
      if (!manifest || manifest.format !== FORMAT)
        throw new TypeError("evmap search: the index is not evmap's (format " + FORMAT + ")");
      suggest = !!(message.data.options && message.data.options.suggest);
      stop = new Set(manifest.stop);
      starts = sums(manifest.pages);
      bounds = sums(manifest.shards);
      postMessage({ type: READY });
      // The pages table heads every result list: fetched now, before the first query.
      load(["pages"]).catch(function (err) { console.warn("evmap search: " + err); });
    } else if (message.type === QUERY) {
      var number = ++latest;
      var result;
      try {
        result = await search(message.data, number);
      } catch (err) {
        console.warn("evmap search: " + err);
        result = number === latest ? { items: [] } : null;
      }
      if (result)
        postMessage({ type: RESULT, data: result });
    }
  });
})();
