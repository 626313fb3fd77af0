#define TELTOP_VERSION "7aef628-dirty"
