/* pod.c - pod mode (placeholder while the providers are written). */
#include "ta.h"

const char *ta_qos_name(enum ta_qos q)
{
	return q == TA_QOS_GUARANTEED ? "Guaranteed" : q == TA_QOS_BURSTABLE ? "Burstable" : "BestEffort";
}
