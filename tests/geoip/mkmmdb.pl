#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0-or-later
# mkmmdb.pl DIR - the MaxMind DB files the geoip tests read, built with Debian's
# libmaxmind-db-writer-perl: City-, Country- and ASN-type databases for the
# documentation prefixes, a DB-IP-typed one, one whose records carry the wrong
# types, one of a type that provides nothing, and one with a non-UTF-8 byte.
#
# The writer refuses reserved networks by default (remove_reserved_networks):
# the documentation prefixes are reserved, so it is turned off here. The
# expected values are repeated in tests/unit/test_geoip.c and
# tests/netns/cases/65-geoip.sh: change them together.
use strict;
use warnings;
use utf8;
use MaxMind::DB::Writer::Tree;

my $dir = shift // die "usage: $0 DIR\n";

my %types = (
	city => 'map', country => 'map', continent => 'map', names => 'map',
	location => 'map', en => 'utf8_string', de => 'utf8_string',
	iso_code => 'utf8_string', code => 'utf8_string', geoname_id => 'uint32',
	latitude => 'double', longitude => 'double', accuracy_radius => 'uint16',
	autonomous_system_number => 'uint32', autonomous_system_organization => 'utf8_string',
);

# What each test prefix is: country, country name, city (or undef), lat, lon, ASN, org.
my @places = (
	[ '192.0.2.0/24',    'CH', 'Switzerland', 'Zürich',  47.3667, 8.55,    64496, 'Zürcher Kantonalbank Test AG' ],
	[ '198.51.100.0/24', 'FR', 'France',      undef,     46.0,    2.0,     64497, 'Société Générale' ],
	[ '198.51.100.0/25', 'FR', 'France',      'Paris',   48.8582, 2.3387,  64497, 'Société Générale' ],
	[ '203.0.113.0/24',  'JP', 'Japan',       'Tōkyō',   35.6893, 139.6899, 64498, 'Example Networks 株式会社' ],
	[ '2001:db8::/32',   'DE', 'Germany',     'München', 48.1371, 11.5754, 64499, 'Beispiel GmbH' ],
);

sub tree {
	my ($type, %o) = @_;
	return MaxMind::DB::Writer::Tree->new(
		ip_version => 6, record_size => 28, database_type => $type,
		languages => ['en'], description => { en => "nflogd test $type" },
		remove_reserved_networks => 0, alias_ipv6_to_ipv4 => 1,
		map_key_type_callback => $o{types} // sub { $types{ $_[0] } },
	);
}

sub write_tree {
	my ($t, $name) = @_;
	open my $fh, '>:raw', "$dir/$name" or die "$dir/$name: $!\n";
	$t->write_tree($fh);
	close $fh or die "$dir/$name: $!\n";
}

sub country_rec {
	my ($p) = @_;
	return { country => { iso_code => $p->[1], geoname_id => 1, names => { en => $p->[2] } } };
}

sub city_rec {
	my ($p) = @_;
	my $r = country_rec($p);
	$r->{location} = { latitude => $p->[4], longitude => $p->[5], accuracy_radius => 50 };
	$r->{city} = { geoname_id => 2, names => { en => $p->[3], de => $p->[3] } } if defined $p->[3];
	return $r;
}

sub asn_rec {
	my ($p) = @_;
	return { autonomous_system_number => $p->[6], autonomous_system_organization => $p->[7] };
}

my %dbs = (
	'city.mmdb'          => [ 'GeoLite2-City',      \&city_rec ],
	'country.mmdb'       => [ 'GeoLite2-Country',   \&country_rec ],
	'asn.mmdb'           => [ 'GeoLite2-ASN',       \&asn_rec ],
	'dbip-country.mmdb'  => [ 'DBIP-Country-Lite',  \&country_rec ],
	'dbip-asn.mmdb'      => [ 'DBIP-ASN-Lite',      \&asn_rec ],
);
for my $name (sort keys %dbs) {
	my ($type, $rec) = @{ $dbs{$name} };
	my $t = tree($type);
	for my $p (@places) {
		# The city database holds 198.51.100.128/25 nowhere: a miss.
		next if $name eq 'city.mmdb' && $p->[0] eq '198.51.100.0/24';
		$t->insert_network($p->[0], $rec->($p));
	}
	write_tree($t, $name);
}

# What geoipupdate would bring next: the same type, other data (reopen tests).
my $t = tree('GeoLite2-ASN');
$t->insert_network('192.0.2.0/24', { autonomous_system_number => 64510,
				     autonomous_system_organization => 'Renumbered AG' });
write_tree($t, 'asn-v2.mmdb');

# Every field of the wrong type: a reader must skip them, not trust them.
my %wrong = (%types, x => 'utf8_string', iso_code => 'map', en => 'uint32', latitude => 'utf8_string',
	     longitude => 'utf8_string', autonomous_system_number => 'utf8_string',
	     autonomous_system_organization => 'uint32');
$t = tree('GeoIP2-City', types => sub { $wrong{ $_[0] } });
$t->insert_network('192.0.2.0/24', {
	country => { iso_code => { x => 'CH' }, names => { en => 7 } },
	city => { names => { en => 12 } },
	location => { latitude => 'north', longitude => 'east' },
});
write_tree($t, 'wrongtype-city.mmdb');
$t = tree('GeoLite2-ASN', types => sub { $wrong{ $_[0] } });
$t->insert_network('192.0.2.0/24', { autonomous_system_number => '64496',
				     autonomous_system_organization => 64496 });
write_tree($t, 'wrongtype-asn.mmdb');

# A type that holds neither country, city nor ASN data.
$t = tree('Example-Widgets');
$t->insert_network('192.0.2.0/24', { country => { iso_code => 'CH' } });
write_tree($t, 'widgets.mmdb');

# A name with a byte that is not UTF-8: the writer encodes every string, so
# the marker is patched in the written file (same length, the data section
# holds strings as raw bytes).
$t = tree('GeoLite2-ASN');
$t->insert_network('192.0.2.0/24', { autonomous_system_number => 64496,
				     autonomous_system_organization => 'Bad XYZ Byte Ltd' });
write_tree($t, 'badutf8-asn.mmdb');
{
	local $/;
	open my $fh, '<:raw', "$dir/badutf8-asn.mmdb" or die $!;
	my $b = <$fh>;
	close $fh;
	$b =~ s/Bad XYZ Byte/Bad X\xffZ Byte/ or die "marker not found\n";
	open $fh, '>:raw', "$dir/badutf8-asn.mmdb" or die $!;
	print $fh $b;
	close $fh or die $!;
}
