# The two commands a newcomer needs:
#   make demo   install what is missing, build, index the sample archive, show a search
#   make test   install what is missing, build, run every test: the release suite, the
#               same suite built with AddressSanitizer and UBSan, and a short fuzzing run
# and the quick loop while working:
#   make check  the release suite alone
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
JOBS ?= 2
INDEX ?= $(BUILD)/sample-index
FUZZ_SECONDS ?= 30
FUZZ_LSAN ?= tests/sanitizers/lsan-fuzz.supp

# Sanitizer builds: -O1 compiles fast and runs fast enough; -g1 gives reports file:line;
# assertions stay on.
SANITIZER_CONFIG = -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1"
# Leaks are errors, but for those of other people's libraries listed in the suppressions.
SANITIZER_ENV = ASAN_OPTIONS=detect_leaks=1 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/sanitizers/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

.PHONY: deps build demo check test asan-test fuzz-smoke bench-deps format clean

deps:
	scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD) -j$(JOBS)

demo: build
	$(BUILD)/bin/archive-index --index $(INDEX) --rebuild sample/archive.jsonl
	$(BUILD)/bin/archive-search query --index $(INDEX) --limit 5 does stretching prevent injury
	@echo
	@echo "Try: $(BUILD)/bin/archive-search query --index $(INDEX) --as member trigger points"
	@echo "Or see what the importer makes of a small HTML site:"
	@echo "  $(BUILD)/bin/archive-index --dry-run --emit-jsonl --format html --mapping tests/fixtures/import/modern/mapping.json tests/fixtures/import/modern"

check: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

test: check asan-test fuzz-smoke

asan-test: deps
	cmake -S . -B $(ASAN_BUILD) $(SANITIZER_CONFIG) -DARCHIVE_SANITIZE=ON
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	cd $(ASAN_BUILD) && $(SANITIZER_ENV) ctest --output-on-failure -j$(JOBS)

# Only the fuzzers are built here: the sanitizer build above has run the whole suite.
fuzz-smoke: deps
	CC=clang-14 CXX=clang++-14 cmake -S . -B $(FUZZ_BUILD) $(SANITIZER_CONFIG) \
		-DARCHIVE_FUZZ=ON -DARCHIVE_FUZZ_SECONDS=$(FUZZ_SECONDS)
	cmake --build $(FUZZ_BUILD) -j$(JOBS) --target fuzzers
	cd $(FUZZ_BUILD) && $(SANITIZER_ENV) \
		LSAN_OPTIONS=suppressions=$(CURDIR)/$(FUZZ_LSAN):print_suppressions=0 \
		ctest --output-on-failure -j$(JOBS) -L fuzz

bench-deps:
	scripts/install-deps.sh --bench

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
