-- Readers for bench/newsday.py (its docstring says what is measured and why).
--
--   wrk -s bench/newsday.lua URL -- PATHS MODE THREADS
--
-- PATHS holds one page a line, "kind path": home, section, tag or story, the
-- stories most popular first. MODE is
--   day   10 % home page, 10 % section pages, 10 % tag pages, 70 % stories,
--         the story chosen by a Zipf distribution (s = 1) over their ranks;
--   each  every story once, in order, the threads taking turns, so that no
--         page is asked for twice (counted: "issued" must not pass the list).
-- THREADS is wrk's -t, for the threads to share out the list in "each".
--
-- Every response's cache headers are counted: X-Page-Cache (the app's page
-- cache: hit, stale, miss) and X-Proxy-Cache (Varnish: HIT, STALE, MISS,
-- PASS). done() prints "newsday NAME VALUE" lines for the script to read.

local ZIPF_S = 1.0
local SHARE_HOME, SHARE_SECTION, SHARE_TAG = 0.10, 0.10, 0.10

-- The main state: every thread, for done() to add up their counts.
local threads = {}

function setup(thread)
   thread:set("id", #threads)
   table.insert(threads, thread)
end

-- Each thread's own state from here to done().
local mode
local pages = { home = {}, section = {}, tag = {}, story = {} }
local cumulative = {} -- cumulative[k]: the Zipf weight of ranks 1 to k
local next_story, step
counts = {}
issued = 0

local function count(name)
   counts[name] = (counts[name] or 0) + 1
end

function init(args)
   local file, threads_given
   file, mode, threads_given = args[1], args[2], tonumber(args[3])
   for line in io.lines(file) do
      local kind, path = line:match("^(%a+)%s+(%S+)$")
      if kind then
         table.insert(pages[kind], path)
      end
   end
   local total = 0
   for rank = 1, #pages.story do
      total = total + 1 / rank ^ ZIPF_S
      cumulative[rank] = total
   end
   next_story, step = id + 1, threads_given
   -- The same readers every run, a different stream in each thread.
   math.randomseed(1000 + id)
end

local function zipf_story()
   local stories = pages.story
   local target = math.random() * cumulative[#stories]
   local low, high = 1, #stories
   while low < high do
      local middle = math.floor((low + high) / 2)
      if cumulative[middle] < target then
         low = middle + 1
      else
         high = middle
      end
   end
   return stories[low]
end

local function any(list)
   return list[math.random(#list)]
end

local function day_path()
   local r = math.random()
   if r < SHARE_HOME or (#pages.section == 0 and #pages.tag == 0) then
      return pages.home[1] or "/"
   elseif r < SHARE_HOME + SHARE_SECTION and #pages.section > 0 then
      return any(pages.section)
   elseif r < SHARE_HOME + SHARE_SECTION + SHARE_TAG and #pages.tag > 0 then
      return any(pages.tag)
   end
   return zipf_story()
end

local function each_path()
   local stories = pages.story
   if next_story > #stories then
      -- Past the end: start again (the figure is then not valid, and says so).
      next_story = id + 1
   end
   local path = stories[next_story]
   next_story = next_story + step
   return path
end

function request()
   issued = issued + 1
   local path = mode == "each" and each_path() or day_path()
   return wrk.format(nil, path)
end

function response(status, headers, body)
   local page, proxy
   for name, value in pairs(headers) do
      local lower = name:lower()
      if lower == "x-page-cache" then
         page = value:lower()
      elseif lower == "x-proxy-cache" then
         proxy = value:upper()
      end
   end
   count("status_" .. math.floor(status / 100) .. "xx")
   if proxy then
      count("proxy_" .. proxy)
   end
   if proxy == "HIT" or proxy == "STALE" then
      -- Answered by Varnish: the page header is the stored copy's, not news.
      count("hit")
      return
   end
   count("app_" .. (page or "none"))
   if page == "hit" or page == "stale" then
      count("hit")
   else
      count("rendered")
   end
end

function done(summary, latency, requests)
   local total = { issued = 0 }
   for _, thread in ipairs(threads) do
      for name, n in pairs(thread:get("counts")) do
         total[name] = (total[name] or 0) + n
      end
      total.issued = total.issued + thread:get("issued")
   end
   local errors = summary.errors
   local figures = {
      requests = summary.requests,
      duration_us = summary.duration,
      p50_us = latency:percentile(50),
      p95_us = latency:percentile(95),
      p99_us = latency:percentile(99),
      status_errors = errors.status,
      socket_errors = errors.connect + errors.read + errors.write + errors.timeout,
   }
   for name, n in pairs(total) do
      figures[name] = n
   end
   for name, value in pairs(figures) do
      io.write(string.format("newsday %s %d\n", name, value))
   end
end
