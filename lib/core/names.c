/* names.c - random names: an adjective and a scientist's or engineer's surname */
#include "core/names.h"

#include <errno.h>
#include <sys/random.h>

static const char *const adjectives[] = {
	"able",	     "adoring",	   "affectionate", "agile",	 "amazing",	"amiable",
	"ardent",    "astute",	   "awesome",	   "blissful",	 "bold",	"boring",
	"brave",     "bright",	   "brilliant",	   "busy",	 "calm",	"candid",
	"careful",   "charming",   "cheerful",	   "clever",	 "competent",	"confident",
	"cool",	     "courteous",  "crafty",	   "curious",	 "daring",	"dazzling",
	"decisive",  "devoted",	   "diligent",	   "dreamy",	 "eager",	"earnest",
	"ecstatic",  "elated",	   "elegant",	   "eloquent",	 "energetic",	"epic",
	"fervent",   "festive",	   "fearless",	   "focused",	 "friendly",	"frosty",
	"funny",     "gallant",	   "generous",	   "gentle",	 "gifted",	"gracious",
	"happy",     "hardy",	   "heuristic",	   "honest",	 "hopeful",	"humble",
	"inspiring", "intrepid",   "jolly",	   "jovial",	 "keen",	"kind",
	"laughing",  "lively",	   "loving",	   "lucid",	 "magical",	"merry",
	"mindful",   "modest",	   "musing",	   "mystifying", "nifty",	"nimble",
	"noble",     "optimistic", "patient",	   "peaceful",	 "pensive",	"placid",
	"playful",   "polite",	   "practical",	   "quiet",	 "quirky",	"radiant",
	"relaxed",   "resolute",   "serene",	   "sharp",	 "sincere",	"sleepy",
	"spirited",  "steady",	   "stoic",	   "sunny",	 "swift",	"tender",
	"thirsty",   "tranquil",   "trusting",	   "upbeat",	 "vibrant",	"vigilant",
	"vigorous",  "wizardly",   "witty",	   "wonderful",	 "youthful",	"zealous",
};

static const char *const surnames[] = {
	"agnesi",     "khwarizmi", "allen",	    "ampere",	   "archimedes", "aryabhata",
	"avogadro",   "babbage",      "backus",	    "bardeen",	   "bartik",	 "bell",
	"bernoulli",  "bernerslee",  "bhabha",	    "blackwell",   "bohr",	 "boltzmann",
	"boole",      "bose",	      "boyle",	    "brahe",	   "brattain",	 "burnell",
	"cannon",     "cantor",	      "carnot",	    "carson",	   "cauchy",	 "cavendish",
	"cerf",	      "chadwick",     "chandrasekhar", "chebyshev", "church",	 "clarke",
	"colden",     "conway",	      "copernicus", "corbato",	   "coulomb",	 "cray",
	"crick",      "curie",	      "dalton",	    "darwin",	   "davy",	 "dedekind",
	"descartes",  "dijkstra",     "dirac",	    "doppler",	   "easley",	 "eckert",
	"edison",     "ehrenfest",    "einstein",   "elion",	   "engelbart",	 "erdos",
	"euclid",     "euler",	      "faraday",    "feigenbaum",  "fermat",	 "fermi",
	"feynman",    "fibonacci",    "fleming",    "fourier",	   "franklin",	 "fresnel",
	"galileo",    "galois",	      "gauss",	    "germain",	   "gibbs",	 "godel",
	"goldberg",   "goodall",      "hamilton",   "hamming",	   "hawking",	 "heisenberg",
	"hertz",      "hilbert",      "hodgkin",    "hoare",	   "hooke",	 "hopper",
	"hubble",     "huygens",      "hypatia",    "jackson",	   "jemison",	 "jennings",
	"johnson",    "joliot",	      "joule",	    "kahan",	   "kapitsa",	 "kelvin",
	"kepler",     "kernighan",    "khorana",    "kilby",	   "knuth",	 "kolmogorov",
	"kovalevskaya", "lagrange",   "lamarr",	    "lamport",	   "laplace",	 "lavoisier",
	"leakey",     "leavitt",      "lebedev",    "leibniz",	   "lemaitre",	 "liskov",
	"lovelace",   "lorentz",      "lumiere",    "lyapunov",	   "margulis",	 "maxwell",
	"mayer",      "mccarthy",     "mcclintock", "meitner",	   "mendel",	 "mendeleev",
	"michelson",  "minsky",	      "mirzakhani", "moore",	   "morse",	 "moseley",
	"napier",     "nash",	      "neumann",    "newton",	   "nobel",	 "noether",
	"noyce",      "ohm",	      "oppenheimer", "pascal",	   "pasteur",	 "pauli",
	"pauling",    "payne",	      "perlman",    "planck",	   "poincare",	 "poisson",
	"ptolemy",    "raman",	      "ramanujan",  "rayleigh",	   "riemann",	 "ritchie",
	"roentgen",   "rubin",	      "rutherford", "sagan",	   "salk",	 "schrodinger",
	"shannon",    "shockley",     "sinoussi",   "snyder",	   "somerville", "stallman",
	"stonebraker", "sutherland",  "swanson",    "tesla",	   "thompson",	 "thomson",
	"torvalds",   "turing",	      "tyson",	    "varahamihira", "volta",	 "wallace",
	"watson",     "watt",	      "wiener",	    "wilbur",	   "wiles",	 "williams",
	"wing",	      "wirth",	      "wozniak",    "wright",	   "wu",	 "yalow",
	"yonath",     "young",	      "yukawa",	    "zhukovsky",   "zuse",	 "zwicky",
};

static uint32_t
random_below(uint32_t n)
{
	uint32_t v, limit = UINT32_MAX - UINT32_MAX % n;

	do {
		while (getrandom(&v, sizeof(v), 0) != (ssize_t) sizeof(v))
			if (errno != EINTR)
				abort();
	} while (v >= limit); /* no modulo bias */
	return v % n;
}

char *
pod_name_random(void)
{
	for (;;) {
		const char *a = adjectives[random_below(ARRAY_SIZE(adjectives))];
		const char *s = surnames[random_below(ARRAY_SIZE(surnames))];

		/* Steve Wozniak is not boring */
		if (STREQ(a, "boring") && STREQ(s, "wozniak"))
			continue;
		return xasprintf("%s_%s", a, s);
	}
}
