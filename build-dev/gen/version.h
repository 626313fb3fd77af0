#define TELTOP_VERSION "1ece44f-dirty"
