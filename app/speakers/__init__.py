"""Who a speaker is: linking each mention extraction finds to one stored speaker (``linking``),
and the changes people make to speakers, each recorded and reversible (``admin``)."""
