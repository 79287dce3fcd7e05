# The two commands a newcomer needs:
#   make demo   install what is missing, build, index the sample archive, show a search
#   make test   install what is missing, build, run every test
BUILD ?= build
JOBS ?= 2
INDEX ?= $(BUILD)/sample-index

.PHONY: deps build demo test bench-deps format clean

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

test: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

bench-deps:
	scripts/install-deps.sh --bench

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD)
